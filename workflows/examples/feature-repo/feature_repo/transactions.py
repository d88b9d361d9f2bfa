"""Transaction features of a customer, computed by the fraud team's batch job into the offline store.

Every source lives under the platform's offline store folder, FEAST_OFFLINE_URI (set by the platform
for `feast apply` and the feature server: the `feast/` folder of the features bucket on AWS, of the features
container on Azure), so the same definitions apply unchanged on both clouds. Every feature view
declares its schema: the apply step reads no offline data (it runs with --skip-source-validation and
no access to the buckets), so nothing may be left to inference.
"""

import os
from datetime import timedelta

from feast import FeatureService, FeatureView, Field, FileSource
from feast.types import Float32, Int64

from entities import customer

OFFLINE = os.environ["FEAST_OFFLINE_URI"].rstrip("/")

customer_transactions_source = FileSource(
    name="customer_transactions",
    path=f"{OFFLINE}/fraud/customer_transactions/",
    timestamp_field="event_timestamp",
    created_timestamp_column="created",
    description="Daily aggregates of card transactions per customer (fraud team batch job).",
)

customer_transactions_7d = FeatureView(
    name="customer_transactions_7d",
    entities=[customer],
    ttl=timedelta(days=2),
    schema=[
        Field(name="customer_id", dtype=Int64),
        Field(name="txn_count_7d", dtype=Int64),
        Field(name="txn_amount_avg_7d", dtype=Float32),
        Field(name="txn_amount_max_7d", dtype=Float32),
    ],
    online=True,
    source=customer_transactions_source,
    tags={"team": "fraud"},
)

# What the fraud-scorer model reads, as one versioned set: models ask for the service, not for views.
fraud_scorer_v1 = FeatureService(
    name="fraud_scorer_v1",
    features=[customer_transactions_7d],
    tags={"team": "fraud", "model": "fraud-scorer"},
)
