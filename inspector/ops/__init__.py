"""Operations: availability probes, the nightly job, pruning, distributed workers, progress."""
