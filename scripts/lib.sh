# shellcheck shell=bash
# scripts/lib.sh - what scripts/test.sh and scripts/demo.sh share (sourced,
# from the repository root).

stage() { printf '\n==> %s\n' "$*"; }

# setup_and_build BUILD_DIR COMPILER DESCRIPTION [CMAKE_ARG...]
# Runs scripts/setup.sh, configures BUILD_DIR with COMPILER (starting over
# if it was configured with another one: CMake fixes the compiler at the
# first configure) and the given CMake arguments, and builds it.
setup_and_build() {
  stage "setup (scripts/setup.sh)"
  bash scripts/setup.sh
  build_tree "$@"
}

# build_tree BUILD_DIR COMPILER DESCRIPTION [CMAKE_ARG...]: configure and build.
build_tree() {
  local build=$1 cc=$2 what=$3
  shift 3
  stage "configure $build ($what)"
  if [[ -f $build/CMakeCache.txt ]] &&
     ! grep -Eq "^CMAKE_C_COMPILER:[A-Z]+=(.*/)?$cc\$" "$build/CMakeCache.txt"; then
    echo "$build was configured with another compiler: reconfiguring from scratch"
    rm -rf -- "$build/CMakeCache.txt" "$build/CMakeFiles"
  fi
  CC=$cc cmake -S . -B "$build" "$@"

  stage "build $build (-j$(nproc))"
  cmake --build "$build" -j"$(nproc)"
}
