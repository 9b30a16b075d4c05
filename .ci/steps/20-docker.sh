# Docker engine, Compose v1 and debootstrap for the image and compose-harness tests.
# The logic (install if missing, start dockerd, bounded wait) lives in
# scripts/docker/ensure-engine.sh; a second run does nothing.
if docker info >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1; then
  log "docker: engine already running"
else
  log "docker: installing/starting the engine"
  bash scripts/docker/ensure-engine.sh
fi
