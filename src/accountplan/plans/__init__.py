"""Account plans: sections, versions and history, cloning, completeness, prospecting math."""
