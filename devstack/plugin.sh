#!/usr/bin/env bash
# DevStack plugin for Karbor: ``enable_plugin karbor <repository>``.
# DevStack sources this file once per phase with the phase as arguments.

# shellcheck source=devstack/lib/karbor
source "$KARBOR_DIR/devstack/lib/karbor"

if [[ "$1" == "stack" && "$2" == "install" ]]; then
    echo_summary "Installing Karbor"
    install_karbor
elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
    echo_summary "Configuring Karbor"
    configure_karbor
    init_karbor
elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
    echo_summary "Starting Karbor"
    start_karbor
fi

if [[ "$1" == "unstack" ]]; then
    stop_karbor
fi

if [[ "$1" == "clean" ]]; then
    cleanup_karbor
fi
