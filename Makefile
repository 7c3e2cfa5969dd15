# dockyard: the two front-door commands are `make lab` and `make test`.
# Every target installs what it needs itself (host packages, Docker engine, .venv, images).
# `make help` lists the targets and the variables that tune them.

# Recipe lines run in bash, through scripts/make-shell.sh: under `sg docker` when the user has
# just been added to the docker group (by `make bootstrap`) and this login session predates it.
SHELL := $(CURDIR)/scripts/make-shell.sh
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
STEP := $(CURDIR)/scripts/step.sh
# Distros for the Molecule matrix; empty = each scenario's own list (molecule/<s>/distros.txt).
DISTROS ?=
# Scenarios to run; empty = all of molecule/*/.
SCENARIOS ?=
# auto (pull official images, fall back to local stand-ins), online or offline.
DOCKYARD_IMAGE_MODE ?= auto

export PATH := $(VENV)/bin:$(PATH)
export MOLECULE_GLOB := molecule/*/molecule.yml
export DOCKYARD_IMAGE_MODE
export DISTROS SCENARIOS
export ANSIBLE_FORCE_COLOR ?= 1
export PY_COLORS ?= 1

# The collection, seen under its FQCN (dockyard.lab) from a checkout.
COLLECTION_LINK := .collections/ansible_collections/dockyard/lab

.PHONY: help bootstrap venv images lint unit integration molecule molecule-full test lab lab-down doctor bench bench-down clean clean-images lock

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'
	@echo "  variables: DISTROS=\"debian12 ubuntu2404\" SCENARIOS=smoke DOCKYARD_IMAGE_MODE=auto|online|offline"

bootstrap: ## Install host packages and start a Docker engine if none answers
	@$(STEP) "host packages" scripts/bootstrap-host.sh packages
	@$(STEP) "Docker engine" scripts/bootstrap-host.sh engine

$(VENV)/.installed: requirements-dev.txt constraints.txt
	@$(STEP) "host packages" scripts/bootstrap-host.sh packages
	@$(STEP) "Python toolchain in .venv" bash -c '\
	  set -e; \
	  [ -x "$(VENV)/bin/python" ] || $(PYTHON) -m venv "$(VENV)"; \
	  "$(VENV)/bin/pip" install -q --upgrade pip; \
	  "$(VENV)/bin/pip" install -q -r requirements-dev.txt -c constraints.txt; \
	  "$(VENV)/bin/python" -c "import site; print(site.getsitepackages()[0])" \
	    | xargs -I{} sh -c "echo $(CURDIR)/tools > {}/dockyard.pth"; \
	  mkdir -p "$$(dirname $(COLLECTION_LINK))"; ln -sfn ../../.. $(COLLECTION_LINK); \
	  touch "$@"'

# The recipe byte-compiles the collection's plugins, as Python does on a first run wherever it may
# write its cache (this machine sets PYTHONDONTWRITEBYTECODE=1, so it never would): Ansible loads
# every filter file of the collection afresh in each task's worker process, and compiling them
# from source cost about 50 ms a task (measured, docs/bench/README.md). Stale files are recompiled.
venv: $(VENV)/.installed ## Create .venv with the pinned toolchain
	@"$(VENV)/bin/python" -m compileall -q plugins

# FAST=1: Mitogen for Ansible (requirements-fast.txt) as the strategy of the lab's runs.
FAST ?= 0
$(VENV)/.installed-fast: $(VENV)/.installed requirements-fast.txt
	@$(STEP) "Mitogen in .venv (FAST=1)" bash -c '"$(VENV)/bin/pip" install -q -r requirements-fast.txt && touch "$@"'
FAST_DEPS := $(if $(filter 1,$(FAST)),$(VENV)/.installed-fast)
# Evaluated by the recipe's shell, once Mitogen is installed.
FAST_ENV := $(if $(filter 1,$(FAST)),ANSIBLE_STRATEGY=mitogen_linear \
  ANSIBLE_STRATEGY_PLUGINS=$$(python -c 'import ansible_mitogen, os; print(os.path.dirname(ansible_mitogen.__file__))')/plugins/strategy)

images: venv bootstrap ## Build or pull the images the tests use (DISTROS to choose)
	@$(STEP) "images ($(or $(DISTROS),all))" python -m dockyard_kit build $(if $(DISTROS),--distros "$(DISTROS)")

lint: venv ## yamllint, ansible-lint (production), ruff and mypy
	@$(STEP) "yamllint" yamllint --strict .
	@$(STEP) "ansible-lint (production profile)" ansible-lint
	@$(STEP) "ruff" ruff check tools plugins tests molecule
	@$(STEP) "mypy" mypy

unit: venv ## Unit tests of the Python helpers and role logic (pytest)
	@$(STEP) "unit tests" pytest tests/unit

integration: venv bootstrap ## The image kit and the lab hosts against the real engine; the built collection
	@$(STEP) "images for the integration tests" python -m dockyard_kit build systemd-debian12 systemd-debian13
	@$(STEP) "integration tests (kit, lab hosts, collection package)" pytest tests/integration

# No `images` prerequisite: each run's dependency step makes its own images available (one
# kit build at a time), so image builds overlap the runs already going. `make images` first
# to build everything up front.
molecule: venv bootstrap ## Every Molecule scenario on its default distros
	@$(STEP) "Molecule scenarios" scripts/molecule-matrix.sh

molecule-full: venv bootstrap ## Every scenario on every distro it supports (before a release)
	@$(STEP) "Molecule scenarios, full matrix" env MOLECULE_MATRIX=full scripts/molecule-matrix.sh

test: ## lint + unit + integration + molecule: what CI runs
	@$(STEP) "make test" $(MAKE) --no-print-directory lint unit integration molecule

# Lab hosts: LAB_HOSTS=n (1-9), LAB_DISTRO=debian12|debian13|ubuntu2204|ubuntu2404,
# LAB_CONNECTION=ssh (default: as admin with sudo, like real VMs) or docker-api,
# LAB_RECREATE=1 to replace running lab hosts that differ from what is asked,
# LAB_SWARM=1 to make the lab hosts a swarm running the demo app as a stack.
# LAB_HOSTS, LAB_DISTRO and LAB_SWARM are remembered (.cache/lab/settings): a later `make lab`
# keeps the lab as it is; `make lab-down` forgets them.
-include .cache/lab/settings
LAB_HOSTS ?= 1
LAB_DISTRO ?= debian12
LAB_CONNECTION ?= ssh
LAB_RECREATE ?= 0
LAB_SWARM ?= 0
export LAB_HOSTS LAB_DISTRO LAB_RECREATE LAB_SWARM
LAB_INVENTORY := $(if $(filter docker-api,$(LAB_CONNECTION)),inventory/local-api,inventory/local)

lab: venv bootstrap $(FAST_DEPS) ## Provision a local lab and print how to reach it (LAB_HOSTS=n, FAST=1)
	@$(STEP) "images for the lab" python -m dockyard_kit build --distros $(LAB_DISTRO)
	@$(STEP) "lab: site.yml on $(LAB_HOSTS) lab host(s) over $(LAB_CONNECTION)$(if $(filter 1,$(FAST)), with Mitogen)" \
	  env $(FAST_ENV) ansible-playbook -i $(LAB_INVENTORY) playbooks/lab.yml
	@printf 'LAB_HOSTS := %s\nLAB_DISTRO := %s\nLAB_SWARM := %s\n' "$(LAB_HOSTS)" "$(LAB_DISTRO)" "$(LAB_SWARM)" > .cache/lab/settings

lab-down: venv ## Remove the lab's containers and volumes (kit images stay)
	@$(STEP) "remove the lab" ansible-playbook -i inventory/local playbooks/lab_down.yml
	@rm -f .cache/lab/settings

doctor: venv ## Diagnose the lab's Docker hosts, read-only: one table, JSON reports in .cache/doctor/, non-zero exit on any FAIL
	@$(STEP) "doctor: every check on the lab hosts" ansible-playbook -i $(LAB_INVENTORY) playbooks/doctor.yml

# Bench: BENCH_ARGS="--quick" to try it (1 repeat, fan-out 1,6); see docs/bench/README.md.
# Mitogen is always installed: the bench times it next to stock Ansible.
BENCH_ARGS ?=

bench: venv bootstrap $(VENV)/.installed-fast ## Time transports, cold/warm converges, the shell floor, fan-out; write docs/bench/
	@$(STEP) "images for the bench" python -m dockyard_kit build systemd-debian12 python-3.11-slim redis-7 mongo-7.0 nginx-1
	@$(STEP) "bench $(BENCH_ARGS)" python -m dockyard_bench $(BENCH_ARGS)

bench-down: venv ## Remove bench hosts left over by an interrupted bench
	@$(STEP) "remove the bench hosts" ansible-playbook -i inventory/bench playbooks/bench_down.yml

clean: ## Remove Molecule instances, .venv and caches (images stay; see clean-images)
	-@for s in molecule/*/; do [ -x $(VENV)/bin/molecule ] && molecule destroy -s "$$(basename $$s)" >/dev/null 2>&1; done; true
	rm -rf $(VENV) .collections .pytest_cache .mypy_cache .ruff_cache .cache/facts

clean-images: ## Remove every image the kit made (dockyard/*)
	-docker images --format '{{.Repository}}:{{.Tag}}' | grep '^dockyard/' | xargs -r docker rmi

lock: ## Re-pin constraints.txt from requirements-dev.txt in a scratch venv
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install -q -r requirements-dev.txt
	.lock-venv/bin/pip freeze --exclude-editable > constraints.txt && rm -rf .lock-venv
