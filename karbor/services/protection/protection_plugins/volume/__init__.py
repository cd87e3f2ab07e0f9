"""Protection plugins for OS::Cinder::Volume (Cinder backup, snapshot)."""
