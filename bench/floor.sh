#!/usr/bin/env bash
# The shell floor of `make bench`: the end state of the lab's converge (bench_site.yml on a
# fresh debian12 bench host), reached by a plain script with no checks, no idempotence and
# no roll-back. Ansible's cold converge is compared with it. Run inside a fresh bench host:
#   docker exec -i dockyard-bench-1 bash -s engine < bench/floor.sh
#   (untimed: the kit's images are copied in, as for Ansible)
#   docker exec -i dockyard-bench-1 bash -s apps < bench/floor.sh
# `apps` expects the build contexts the roles render under /var/tmp/bench-contexts/
# (demo_app/, mongo-perso/ and static_site/); the bench copies them there, untimed, from a
# host that Ansible converged.
set -euo pipefail
phase=${1:?usage: floor.sh engine|apps}

engine() {
  systemctl is-system-running --wait >/dev/null || true
  # The lab's daemon.json and dockerd drop-in, written before the install so that the
  # engine starts once, already configured.
  install -d -m 0755 /etc/docker /etc/systemd/system/docker.service.d
  cat > /etc/docker/daemon.json <<'JSON'
{
  "live-restore": true,
  "log-driver": "json-file",
  "log-opts": {
    "max-file": "3",
    "max-size": "10m"
  }
}
JSON
  printf '[Service]\nEnvironment="DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1"\n' \
    > /etc/systemd/system/docker.service.d/environment.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
  systemctl daemon-reload
  systemctl enable --now docker
  id student >/dev/null 2>&1 || useradd --create-home --shell /bin/bash student
  usermod -aG docker student
  until docker info >/dev/null 2>&1; do sleep 1; done
}

apps() {
  local ctx=/var/tmp/bench-contexts
  mkdir -p /opt/demo_app /opt/dockyard/mongo-perso /opt/static_site
  cp -a "$ctx/demo_app/." /opt/demo_app/
  cp -a "$ctx/mongo-perso/." /opt/dockyard/mongo-perso/
  cp -a "$ctx/static_site/." /opt/static_site/

  # friendlyhello and Redis on their own network, Redis reachable as `redis`.
  docker build -q -t friendlyhello:latest /opt/demo_app >/dev/null
  docker network create friendlyhello >/dev/null
  docker volume create friendlyhello-redis-data >/dev/null
  docker run -d --name friendlyhello-redis --network friendlyhello --network-alias redis \
    --restart unless-stopped -v friendlyhello-redis-data:/data \
    dockyard/redis:7 redis-server --appendonly yes >/dev/null
  docker run -d --name friendlyhello-1 --network friendlyhello --restart unless-stopped \
    -e NAME=World -e REDIS_HOST=redis -p 0.0.0.0:4000:5000 friendlyhello:latest >/dev/null

  # mongo-perso with its named volumes.
  docker build -q -t mongo-perso:latest /opt/dockyard/mongo-perso >/dev/null
  docker volume create mymongo-db >/dev/null
  docker volume create mymongo-configdb >/dev/null
  docker run -d --name mymongo --restart unless-stopped --stop-timeout 60 -p 0.0.0.0:27017:27017 \
    --mount type=volume,source=mymongo-db,target=/data/db \
    --mount type=volume,source=mymongo-configdb,target=/data/configdb \
    mongo-perso:latest >/dev/null

  # The course's ws image: http.server serving the pages.
  docker build -q -t ws:latest /opt/static_site >/dev/null
  docker run -d --name ws --restart unless-stopped -p 0.0.0.0:8080:8080 ws:latest >/dev/null

  # Ready when the app and the site answer and MongoDB pings, as the roles wait for.
  for url in http://127.0.0.1:4000/ http://127.0.0.1:8080/; do
    until python3 -c "import urllib.request; urllib.request.urlopen('$url', timeout=2)" 2>/dev/null; do
      sleep 1
    done
  done
  until docker exec mymongo mongo-perso-ping >/dev/null 2>&1; do sleep 1; done
}

"$phase"
