"""The plan: a pure function of (desired workspace, recorded state) -> Plan."""
