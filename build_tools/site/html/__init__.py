"""What the built HTML pages get after rendering: navigation, CSP, accessibility, search."""
