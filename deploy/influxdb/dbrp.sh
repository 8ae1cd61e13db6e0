#!/bin/sh
# InfluxDB 2 init hook: map database "outpost" / rp "autogen" to the bucket, for InfluxQL (Grafana).
set -e
bucket_id=$(influx bucket list --name "$DOCKER_INFLUXDB_INIT_BUCKET" --hide-headers | cut -f1)
influx v1 dbrp create --db outpost --rp autogen --bucket-id "$bucket_id" --default
