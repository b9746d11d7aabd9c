#!/bin/bash
# The bash completion (daemon/farmgate.bash-completion) driven by bash itself, as a shell does
# on Tab: COMP_WORDS and COMP_CWORD set, _farmgate called, COMPREPLY checked. The point ids
# come from the built farmgate (`check --points`) reading a real config.
# usage: completion_test.sh FARMGATE COMPLETION_SCRIPT
set -u
farmgate=$1
source "$2" || exit 1

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/farmgate.yaml" <<'EOF'
gateway: { id: pond-gw }
buses:
  - { name: pond, tcp: { host: 127.0.0.1, port: 1502 } }
devices:
  - name: pond1
    bus: pond
    unit: 1
    points:
      - { name: temp, table: holding, address: 0, type: int16, scale: 0.1 }
      - { name: aerator, table: coil, address: 0, writable: true }
  - name: pond2
    bus: pond
    unit: 2
    points:
      - { name: temp, table: holding, address: 0, type: int16, scale: 0.1 }
EOF
echo 'gateway: [' >"$dir/broken.yaml"

failures=0
# expect "WORDS ..." -- "EXPECTED COMPREPLY, sorted and space-joined"; the cursor is on the
# last word (give '' to complete an empty word).
expect() {
    local want=${!#}
    local words=("${@:1:$#-2}")
    COMP_WORDS=("$farmgate" "${words[@]}")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _farmgate
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
    got=${got% }
    if [[ $got == "$want" ]]; then
        echo "ok: farmgate ${words[*]}"
    else
        echo "FAIL: farmgate ${words[*]}<TAB>: got '$got', want '$want'"
        ((failures++))
    fi
}

# The commands, and the options of each, the same as --help.
expect '' -- "check read replay run scan status write"
expect s -- "scan status"
expect --v -- "--verbose --version"
expect check --p -- "--points"
expect scan -c "$dir/farmgate.yaml" --b -- "--bus"
expect status --j -- "--json"
# Every option --help names is offered (options the script does not know would be missing).
for command in run check read write scan replay status; do
    help=$("$farmgate" "$command" --help)
    for option in $(grep -oE '^ +-[-a-z,]+' <<<"$help" | tr ',' ' '); do
        COMP_WORDS=("$farmgate" "$command" "$option")
        COMP_CWORD=2
        COMPREPLY=()
        _farmgate
        if ! printf '%s\n' "${COMPREPLY[@]}" | grep -qx -- "$option"; then
            echo "FAIL: farmgate $command: option $option of --help is not completed"
            ((failures++))
        fi
    done
done

# Point ids from the config given with -c; read takes several, write one writable point.
expect read -c "$dir/farmgate.yaml" '' -- "pond1.aerator pond1.temp pond2.temp"
expect read -c "$dir/farmgate.yaml" pond2 -- "pond2.temp"
expect read --config="$dir/farmgate.yaml" pond1.temp pond1.a -- "pond1.aerator"
expect -v read -c "$dir/farmgate.yaml" pond1.t -- "pond1.temp"
expect write -c "$dir/farmgate.yaml" '' -- "pond1.aerator"
expect write -c "$dir/farmgate.yaml" pond1.aerator '' -- ""
# A config that is invalid or missing offers nothing, and prints nothing.
expect read -c "$dir/broken.yaml" '' -- ""
expect read -c "$dir/missing.yaml" '' -- ""
# Files after -c, none after --bus.
expect check -c "$dir/farm" -- "$dir/farmgate.yaml"
expect scan -c "$dir/farmgate.yaml" --bus '' -- ""

# And `check --points` itself, as scripts use it.
listing=$("$farmgate" check -c "$dir/farmgate.yaml" --points)
[[ $listing == $'pond1.temp\npond1.aerator\npond2.temp' ]] ||
    { echo "FAIL: check --points printed '$listing'"; ((failures++)); }
"$farmgate" check -c "$dir/broken.yaml" --points >/dev/null 2>&1
[[ $? == 2 ]] || { echo "FAIL: check --points of an invalid config is not exit 2"; ((failures++)); }

((failures == 0)) && echo "all passed"
exit $((failures > 0))
