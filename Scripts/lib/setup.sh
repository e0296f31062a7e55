# Shared by Scripts/*: installs the Debian packages Lectern needs when they are missing.
# Sourced, not run.

LECTERN_PACKAGES=(libsqlite3-dev libsodium-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler python3-protobuf pkg-config make gcc libc6-dev)

# Installs whichever of LECTERN_PACKAGES is missing: as root with apt-get (after one
# apt-get update); otherwise prints the exact command and fails.
lectern_install_packages() {
  local missing=()
  for package in "${LECTERN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "==> installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

# Fails unless swift is on PATH.
lectern_require_swift() {
  command -v swift >/dev/null 2>&1 || { echo "swift is not on PATH (Swift 6 toolchain needed)" >&2; return 1; }
}
