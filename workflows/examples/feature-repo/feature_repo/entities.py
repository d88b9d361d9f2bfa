"""Entities: the keys features are joined on. Value types are declared, so `feast apply` infers nothing."""

from feast import Entity, ValueType

customer = Entity(
    name="customer",
    join_keys=["customer_id"],
    value_type=ValueType.INT64,
    description="A bank customer (core banking customer number).",
    tags={"team": "fraud"},
)
