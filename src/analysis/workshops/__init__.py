"""Workshop and village-meeting data (issue 3): readers, cleaning, template, validation."""
