#!/usr/bin/env bash
# DevStack plugin for Karbor.

function install_karbor {
    setup_develop "$KARBOR_DIR"
}

function configure_karbor {
    sudo install -d -o "$STACK_USER" "$KARBOR_CONF_DIR" "$KARBOR_CONF_DIR/providers.d"
    cp "$KARBOR_DIR"/etc/providers.d/*.conf "$KARBOR_CONF_DIR/providers.d/"
    cp "$KARBOR_DIR/etc/karbor.conf.sample" "$KARBOR_CONF"
    iniset "$KARBOR_CONF" DEFAULT auth_strategy keystone
    iniset "$KARBOR_CONF" DEFAULT transport_url "$(get_transport_url)"
    iniset "$KARBOR_CONF" DEFAULT osapi_karbor_listen_port "$KARBOR_API_PORT"
    iniset "$KARBOR_CONF" database connection "$(database_connection_url karbor)"
    configure_keystone_authtoken_middleware "$KARBOR_CONF" karbor
    iniset "$KARBOR_CONF" service_credentials auth_url "$KEYSTONE_SERVICE_URI"
    iniset "$KARBOR_CONF" service_credentials username karbor
    iniset "$KARBOR_CONF" service_credentials password "$SERVICE_PASSWORD"
    iniset "$KARBOR_CONF" service_credentials project_name "$SERVICE_PROJECT_NAME"
}

function init_karbor {
    recreate_database karbor
    karbor-manage --config-file "$KARBOR_CONF" db sync
    if is_service_enabled keystone; then
        create_service_user karbor admin
        get_or_create_service data-protect data-protect "Application Data Protection"
        get_or_create_endpoint data-protect "$REGION_NAME" \
            "http://$SERVICE_HOST:$KARBOR_API_PORT/v1/\$(project_id)s"
    fi
}

function start_karbor {
    for svc in api protection operationengine; do
        run_process "karbor-$svc" "$KARBOR_BIN_DIR/karbor-$svc --config-file $KARBOR_CONF"
    done
}

function stop_karbor {
    for svc in api protection operationengine; do
        stop_process "karbor-$svc"
    done
}

if [[ "$1" == "stack" && "$2" == "install" ]]; then
    install_karbor
elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
    configure_karbor
    init_karbor
elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
    start_karbor
fi
if [[ "$1" == "unstack" ]]; then
    stop_karbor
fi
