# mk/redis.mk: the Redis server that the fleet tests need (issue 12). Every test that needs one
# starts its own private redis-server on a free loopback port (no persistence) and stops it:
# core/tests/redis.rs and cli/tests/replay_cli.rs (through core/tests/redis_support),
# tests/c/test_redis.c, tests/python/test_redis.py. This fragment only makes sure the binary is
# there, installing Debian's redis-server when it is missing (without starting its service).

.PHONY: redis-tools

redis-tools: ## Install redis-server (and openssl, for the rediss:// test) when missing; the tests start their own servers.
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "installing redis-server (Debian package) for the fleet tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  command -v service >/dev/null 2>&1 && service redis-server stop >/dev/null 2>&1 || true; }
	@command -v openssl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }
	@redis-server --version

# The targets whose tests start a server.
rust-test c-valgrind c-asan py-pytest examples: redis-tools
