#!/bin/sh
# What a role could write on a host, one line per item, sorted: a checksum of every file under
# /etc, /opt, /srv and /usr/local, the installed packages, users and groups, enabled units and,
# where Docker answers, its containers, images, volumes and networks. Two snapshots are equal
# only if nothing of that changed (molecule/_shared/check_mode.yml compares them).
set -u
for dir in /etc /opt /srv /usr/local; do
  [ -d "$dir" ] && find "$dir" -xdev -type f -exec sha256sum {} + 2>/dev/null
done | sort
if command -v dpkg-query >/dev/null 2>&1; then
  dpkg-query -W -f 'package ${Package} ${Version} ${db:Status-Abbrev}\n' | sort
elif command -v rpm >/dev/null 2>&1; then
  rpm -qa --qf 'package %{NAME} %{VERSION}-%{RELEASE}\n' | sort
fi
getent passwd | sed 's/^/passwd /' | sort
getent group | sed 's/^/group /' | sort
systemctl list-unit-files --state=enabled --no-legend 2>/dev/null | awk '{print "enabled", $1}' | sort
if docker info >/dev/null 2>&1; then
  docker ps -a --no-trunc --format 'container {{.Names}} {{.Image}} {{.State}}' | sort
  docker images --no-trunc --format 'image {{.Repository}}:{{.Tag}} {{.ID}}' | sort
  docker volume ls -q | sed 's/^/volume /' | sort
  docker network ls --format 'network {{.Name}}' | sort
fi
