#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Captures the non-AMF half of the recall corpus: real servers and clients
# from Debian packages (and node scripts for the serialization formats and
# Flash Remoting over HTTP), a short exchange each on 127.0.0.1, one capture
# per protocol into ../non-amf-NAME.pcap, and writes the non-AMF entries of
# ../manifest.json (its AMF entries are kept). Every server is started here
# and stopped (by its pid) once its capture is written.
#
# Needs root (dumpcap) and, from Debian: redis-server redis-tools postgresql
# postgresql-client mariadb-server mariadb-client mosquitto mosquitto-clients
# slapd ldap-utils openssh-server openssh-client openssl nginx-light curl
# nghttp2-server nghttp2-client dnsmasq-base bind9-dnsutils memcached
# netcat-openbsd git; `npm ci` in sample-captures/ for the node ones.
#
# Usage: gen/make-non-amf.sh [name...]      (names: the table below)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$here")
capture=$here/../../gen/capture.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/amftcp-non-amf.XXXXXX")
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# name | ports (capture filter) | protocol | what the capture holds
TABLE='
redis|20401|Redis (RESP)|redis-server on a non-standard port; RESP commands PING, SET, GET, INCR, RPUSH, LRANGE, HSET, HGETALL, QUIT in one connection (nc)
postgresql|20402|PostgreSQL|postgres on a non-standard port; psql: SSLRequest refused, startup, trust auth, CREATE TABLE, INSERT, SELECT
mariadb|3306|MySQL/MariaDB|mariadbd on its usual port; mariadb client: handshake, native password auth, SELECT VERSION(), a query on a table
mqtt|20404|MQTT|mosquitto on a non-standard port; mosquitto_sub subscribes, mosquitto_pub publishes two messages (QoS 0 and 1)
ldap|389|LDAP|slapd on its usual port; ldapsearch: simple bind, search of the base entry and of the subtree
ssh|20406|SSH|sshd on a non-standard port; ssh with a key runs `echo hi`
tls|20407|TLS|openssl s_server -www on a non-standard port; s_client sends GET / (TLS 1.3)
http|20408|HTTP/1.1|nginx on a non-standard port; curl GETs two files on one keep-alive connection
h2c|20409|HTTP/2 cleartext|nghttpd --no-tls on a non-standard port; curl --http2-prior-knowledge GET /index.html, then nghttp (prior knowledge) GET /index.html and /data.json on one connection
dns|20410|DNS over TCP|dnsmasq on a non-standard port; dig +tcp A, AAAA, TXT and MX queries (one connection each)
memcached|11211|memcached|memcached on its usual port; text protocol (set, get, incr, delete) over nc, then memccp/memccat
git|9418|git protocol|git daemon on its usual port; git clone git://127.0.0.1/demo.git (a one-commit repository)
msgpack|20420 or tcp port 20421|msgpack|node: @msgpack/msgpack payloads behind a u16be (20420) and a u32be (20421) length
cbor|20422 or tcp port 20423|CBOR|node: cbor-x payloads behind a u16be (20422) and a u32be (20423) length
bson|20424 or tcp port 20425|BSON|node: bson payloads behind a u16be (20424) and a u32be (20425) length
protobuf|20426 or tcp port 20427|protobuf|node: protobufjs payloads behind a u16be (20426) and a u32be (20427) length
flash-remoting|8400|HTTP carrying AMF|node: HTTP/1.1 POSTs with Content-Type application/x-amf (AMF packet envelopes) and their answers, one keep-alive connection
'

wait_port() { # port: wait until something listens on 127.0.0.1:port
    for _ in $(seq 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $1" >&2
    return 1
}

# Each start_NAME starts the server (its pid into pids), each talk_NAME runs
# the client exchange (the part captured). wait_port connects once, so the
# servers are up before the capture starts and that probe stays out of it.

start_redis() {
    redis-server --port 20401 --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
    pids+=($!); wait_port 20401
}
talk_redis() {
    # redis-cli's own session starts with COMMAND DOCS (170 KB of answer):
    # write the commands as RESP arrays over nc, as a client library would.
    resp() { printf '*%d\r\n' $#; for a in "$@"; do printf '$%d\r\n%s\r\n' ${#a} "$a"; done; }
    { resp PING; resp SET greeting hello; resp GET greeting; resp INCR visits; resp RPUSH list a b c
      resp LRANGE list 0 -1; resp HSET user:1 name ann hp 100; resp HGETALL user:1; resp QUIT; } |
        nc -q 2 127.0.0.1 20401
}

start_postgresql() {
    local bin=/usr/lib/postgresql/15/bin
    mkdir -p "$work/pg" && chown postgres "$work/pg"
    setpriv --reuid=postgres --regid=postgres --clear-groups "$bin/initdb" -D "$work/pg/data" -U postgres --auth=trust >"$work/pg.log"
    setpriv --reuid=postgres --regid=postgres --clear-groups "$bin/postgres" -D "$work/pg/data" -p 20402 \
        -c listen_addresses=127.0.0.1 -c unix_socket_directories="$work/pg" >>"$work/pg.log" 2>&1 &
    pids+=($!); wait_port 20402
}
talk_postgresql() {
    psql -h 127.0.0.1 -p 20402 -U postgres -d postgres -q \
        -c 'CREATE TABLE items (id int, name text)' \
        -c "INSERT INTO items VALUES (1, 'apple'), (2, 'pear')" \
        -c 'SELECT * FROM items ORDER BY id'
}

start_mariadb() {
    mkdir -p "$work/my"
    mariadb-install-db --no-defaults --datadir="$work/my/data" --user=root \
        --auth-root-authentication-method=normal >"$work/my.log" 2>&1
    mariadbd --no-defaults --datadir="$work/my/data" --user=root --port=3306 --bind-address=127.0.0.1 \
        --socket="$work/my/sock" --pid-file="$work/my/pid" --skip-log-bin >>"$work/my.log" 2>&1 &
    pids+=($!); wait_port 3306
}
talk_mariadb() {
    mariadb --no-defaults -h 127.0.0.1 -P 3306 -u root --skip-ssl \
        -e 'SELECT VERSION(); CREATE DATABASE shop; CREATE TABLE shop.items (id INT, name TEXT); INSERT INTO shop.items VALUES (1, "apple"); SELECT * FROM shop.items'
}

start_mqtt() {
    printf 'listener 20404 127.0.0.1\nallow_anonymous true\npersistence false\n' >"$work/mosquitto.conf"
    mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
    pids+=($!); wait_port 20404
}
talk_mqtt() {
    mosquitto_sub -h 127.0.0.1 -p 20404 -t game/state -C 2 -i sub1 >"$work/mqtt.out" &
    local sub=$!
    sleep 0.5
    mosquitto_pub -h 127.0.0.1 -p 20404 -t game/state -i pub1 -m '{"x":12,"y":-7}'
    mosquitto_pub -h 127.0.0.1 -p 20404 -t game/state -i pub1 -q 1 -m 'player ann joined'
    wait "$sub"
}

start_ldap() {
    mkdir -p "$work/ldap/db"
    cat >"$work/ldap/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $work/ldap/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "dc=example,dc=org"
rootdn "cn=admin,dc=example,dc=org"
rootpw secret
directory $work/ldap/db
EOF
    slapd -f "$work/ldap/slapd.conf" -h ldap://127.0.0.1:389/ -d 0 >"$work/ldap.log" 2>&1 &
    pids+=($!); wait_port 389
    ldapadd -x -H ldap://127.0.0.1:389 -D cn=admin,dc=example,dc=org -w secret >/dev/null <<EOF
dn: dc=example,dc=org
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: cn=ann,dc=example,dc=org
objectClass: inetOrgPerson
cn: ann
sn: Smith
mail: ann@example.org
EOF
}
talk_ldap() {
    ldapsearch -x -H ldap://127.0.0.1:389 -D cn=admin,dc=example,dc=org -w secret -b dc=example,dc=org '(objectClass=*)'
}

start_ssh() {
    mkdir -p "$work/ssh" /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/client_key"
    cp "$work/ssh/client_key.pub" "$work/ssh/authorized_keys"
    /usr/sbin/sshd -D -e -f /dev/null -p 20406 -o ListenAddress=127.0.0.1 -h "$work/ssh/host_key" \
        -o AuthorizedKeysFile="$work/ssh/authorized_keys" -o PermitRootLogin=prohibit-password \
        -o StrictModes=no -o PidFile="$work/ssh/pid" >"$work/ssh.log" 2>&1 &
    pids+=($!); wait_port 20406
}
talk_ssh() {
    ssh -p 20406 -i "$work/ssh/client_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o BatchMode=yes -F /dev/null root@127.0.0.1 echo hi
}

start_tls() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=localhost \
        -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
    openssl s_server -quiet -accept 127.0.0.1:20407 -cert "$work/tls.crt" -key "$work/tls.key" -www >"$work/tls.log" 2>&1 &
    pids+=($!); wait_port 20407
}
talk_tls() {
    (printf 'GET / HTTP/1.0\r\n\r\n'; sleep 1) | openssl s_client -quiet -connect 127.0.0.1:20407 2>/dev/null | head -c 200
    echo
}

www() {
    mkdir -p "$work/www"
    printf '<html><body>hello</body></html>\n' >"$work/www/index.html"
    printf '{"items":[1,2,3],"name":"demo"}\n' >"$work/www/data.json"
}

start_http() {
    www
    mkdir -p "$work/nginx"
    cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
pid $work/nginx/pid;
error_log $work/nginx/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/nginx;
    default_type text/html;
    server { listen 127.0.0.1:20408; root $work/www; }
}
EOF
    nginx -c "$work/nginx/nginx.conf" &
    pids+=($!); wait_port 20408
}
talk_http() {
    curl -s http://127.0.0.1:20408/index.html http://127.0.0.1:20408/data.json
}

start_h2c() {
    www
    nghttpd --no-tls -a 127.0.0.1 -d "$work/www" 20409 >"$work/h2c.log" 2>&1 &
    pids+=($!); wait_port 20409
}
talk_h2c() {
    # One connection each: curl 7.88 and nghttpd disagree on a reused one.
    curl -s --http2-prior-knowledge http://127.0.0.1:20409/index.html
    nghttp http://127.0.0.1:20409/index.html http://127.0.0.1:20409/data.json
}

start_dns() {
    dnsmasq --keep-in-foreground --no-resolv --no-hosts --port=20410 --listen-address=127.0.0.1 \
        --bind-interfaces --pid-file="$work/dnsmasq.pid" --user=root \
        --address=/game.example/192.0.2.10 --address=/game.example/2001:db8::10 \
        --txt-record=game.example,"v=amf-game 1.0" --mx-host=game.example,mail.game.example,10 \
        >"$work/dns.log" 2>&1 &
    pids+=($!); wait_port 20410
}
talk_dns() {
    for t in A AAAA TXT MX; do dig +tcp +short @127.0.0.1 -p 20410 game.example "$t"; done
}

start_memcached() {
    memcached -l 127.0.0.1 -p 11211 -U 0 -u nobody >"$work/memcached.log" 2>&1 &
    pids+=($!); wait_port 11211
}
talk_memcached() {
    printf 'set greeting 0 0 5\r\nhello\r\nget greeting\r\nset visits 0 0 1\r\n1\r\nincr visits 5\r\ndelete greeting\r\nquit\r\n' |
        nc -q 1 127.0.0.1 11211
    printf 'a small file\n' >"$work/memfile"
    (cd "$work" && memccp --servers=127.0.0.1:11211 --binary memfile && memccat --servers=127.0.0.1:11211 --binary memfile)
}

start_git() {
    mkdir -p "$work/git"
    git init -q -b main "$work/git/src"
    printf 'demo repository\n' >"$work/git/src/README"
    git -C "$work/git/src" add README
    git -C "$work/git/src" -c user.name=demo -c user.email=demo@example.org commit -q -m 'first commit'
    git clone -q --bare "$work/git/src" "$work/git/srv/demo.git"
    git daemon --base-path="$work/git/srv" --export-all --listen=127.0.0.1 --port=9418 --reuseaddr \
        --pid-file="$work/git/pid" "$work/git/srv" >"$work/git.log" 2>&1 &
    pids+=($!); wait_port 9418
}
talk_git() {
    git -c protocol.version=2 clone -q git://127.0.0.1/demo.git "$work/git/clone"
}

node_case() { node "$here/non-amf.js" "$1"; }
for n in msgpack cbor bson protobuf flash-remoting; do
    eval "start_${n//-/_}() { :; }"
    eval "talk_${n//-/_}() { node_case $n; }"
done

stop_servers() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    pids=()
}

manifest() {
    python3 -c '
import json, os, sys
path = sys.argv[1]
old = json.load(open(path)) if os.path.exists(path) else []
new = [e for e in old if e["kind"] != "non-amf"]
for line in sys.stdin.read().strip().splitlines():
    name, ports, proto, what = line.split("|")
    ports = [int(p) for p in ports.replace("or tcp port", " ").split()]
    new.append({"capture": "non-amf-%s.pcap" % name, "kind": "non-amf", "port": ports[0],
                "ports": ports, "protocol": proto, "description": what,
                "generator": "gen/make-non-amf.sh"})
new.sort(key=lambda e: (e["kind"] != "amf", e["port"]))
with open(path, "w") as fh:
    fh.write("[\n" + ",\n".join(json.dumps(e) for e in new) + "\n]\n")
' "$out/manifest.json" <<<"$TABLE"
}

manifest
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(sed -n 's/^\([a-z0-9-]*\)|.*/\1/p' <<<"$TABLE")
for name in "${names[@]}"; do
    line=$(grep "^$name|" <<<"$TABLE") || { echo "unknown capture: $name" >&2; exit 1; }
    ports=$(cut -d'|' -f2 <<<"$line")
    fn=${name//-/_}
    "start_$fn"
    export work
    "$capture" "$out/non-amf-$name.pcap" "tcp port $ports" bash -c "$(declare -f "talk_$fn" node_case); here=$here work=$work talk_$fn" \
        >"$work/talk-$name.log" 2>&1 || { cat "$work/talk-$name.log" >&2; exit 1; }
    tail -n 1 "$work/talk-$name.log"
    stop_servers
done
