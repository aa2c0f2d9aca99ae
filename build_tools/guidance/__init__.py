"""The K12 Security Advisory guidance: self-assessment checklists and webinar pages."""
