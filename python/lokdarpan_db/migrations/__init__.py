"""The sqitch plan deployed through yoyo: plan reader, deployer, bookkeeping, script shape, catalog fingerprint, schema reference."""
