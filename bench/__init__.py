"""On-demand benchmarks. `make bench` (python -m bench) runs them all; each also runs alone as a script."""
