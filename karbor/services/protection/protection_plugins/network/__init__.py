"""Protection of a project's Neutron network topology."""
