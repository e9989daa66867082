"""Report content as data: the YAML files in this folder (see twofold.reports.texts)."""
