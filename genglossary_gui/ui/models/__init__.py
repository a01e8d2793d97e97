"""Item models: one QAbstractItemModel subclass per table, fed by store notifications."""
