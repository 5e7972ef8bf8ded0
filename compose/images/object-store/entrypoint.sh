#!/bin/bash
# Starts a single-node Ceph cluster (monitor, memstore OSD) and RADOS Gateway on port 9000.
# Settings that make one node start in seconds: pools of size 1 on one OSD, placement across OSDs
# (not hosts), and a short Paxos interval (without it every pool RGW makes costs about a second).
# memstore keeps objects in memory and writes them to /data on a clean stop (SIGTERM), so data
# survives `docker stop` but not a kill.
set -euo pipefail

access_key=${MINIO_ROOT_USER:-minioadmin}
secret_key=${MINIO_ROOT_PASSWORD:-minioadmin}
capacity=${OBJECT_STORE_CAPACITY_BYTES:-8589934592}
port=${OBJECT_STORE_PORT:-9000}
data=/data
run=/tmp/ceph-run
keys=$data/keys
mkdir -p "$run" "$keys" "$data/mon" "$data/osd/ceph-0" "$data/rgw/ceph-rgw.harita"

if [ ! -s "$data/fsid" ]; then
  cat /proc/sys/kernel/random/uuid >"$data/fsid"
fi
fsid=$(cat "$data/fsid")

cat >/etc/ceph/ceph.conf <<CONF
[global]
fsid = $fsid
mon_host = [v2:127.0.0.1:3300,v1:127.0.0.1:6789]
keyring = $data/keys/\$name.keyring
public_addr = 127.0.0.1
run_dir = $run
log_to_file = false
log_to_stderr = true
err_to_stderr = true
mon_cluster_log_to_file = false
mon_cluster_log_to_stderr = false
debug_mon = 0/0
debug_paxos = 0/0
debug_ms = 0/0
debug_rgw = ${OBJECT_STORE_LOG_LEVEL:-0}/0
mon_data = $data/mon/\$cluster-\$id
mon_allow_pool_size_one = true
mon_data_avail_warn = 2
mon_data_avail_crit = 1
auth_allow_insecure_global_id_reclaim = false
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false
paxos_propose_interval = 0.1
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
osd_objectstore = memstore
osd_data = $data/osd/\$cluster-\$id
osd_fast_shutdown = false
memstore_device_bytes = $capacity
rgw_data = $data/rgw/\$cluster-\$id
rgw_frontends = beast port=$port
rgw_enable_usage_log = false
rgw_dns_name =
CONF

pids=()
stop_all() {
  # Reverse order: the gateway, then the OSD (memstore writes its objects out), then the monitor.
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  exit "${1:-0}"
}
trap 'stop_all 0' TERM INT

# First start: one key per daemon, all handed to the monitor's auth database at mkfs.
new_key() {
  local entity=$1
  shift
  ceph-authtool --create-keyring "$keys/$entity.keyring" --gen-key -n "$entity" "$@" >/dev/null
  ceph-authtool "$run/initial.keyring" --import-keyring "$keys/$entity.keyring" >/dev/null
}
if [ ! -e "$data/mon/ceph-a/store.db" ]; then
  ceph-authtool --create-keyring "$run/initial.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  new_key client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *'
  new_key osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd'
  new_key client.rgw.harita --cap mon 'allow rw' --cap osd 'allow rwx'
  monmaptool --create --clobber --fsid "$fsid" --addv a '[v2:127.0.0.1:3300,v1:127.0.0.1:6789]' "$run/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$run/monmap" --keyring "$run/initial.keyring"
  rm -f "$run/initial.keyring"
fi
ceph-mon -f -i a &
pids+=($!)

if [ ! -s "$data/osd/ceph-0/fsid" ]; then
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  ceph -n client.admin osd new "$osd_uuid" 0 >/dev/null
  ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" 2>/dev/null
fi
ceph-osd -f -i 0 &
pids+=($!)

if ! radosgw-admin -n client.admin user info --uid=harita >/dev/null 2>&1; then
  radosgw-admin -n client.admin user create --uid=harita --display-name="Harita Hive" \
    --access-key="$access_key" --secret="$secret_key" >/dev/null
elif ! radosgw-admin -n client.admin user info --access-key="$access_key" 2>/dev/null | grep -q "\"secret_key\": \"$secret_key\""; then
  # The keys changed since the data was made: the new pair replaces the old.
  radosgw-admin -n client.admin key create --uid=harita --key-type=s3 --access-key="$access_key" --secret="$secret_key" >/dev/null
fi

radosgw -f -n client.rgw.harita &
pids+=($!)
echo "object-store: S3 API on port $port" >&2

wait -n "${pids[@]}"
echo "object-store: a Ceph daemon exited; stopping" >&2
stop_all 1
