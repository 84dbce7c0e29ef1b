# Sections e2e and first (bench_e2e.sh, its sourced parts, e2e_probe.py and
# e2e.topo) are scripts: nothing to build.  The bench-quick test
# (harness.cmake) runs them with --quick over this build tree.
