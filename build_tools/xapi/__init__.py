"""The ISDP xAPI profile (IRIs, verbs, statement shapes) and its LRS tooling."""
