/// The `lava-*` helper scripts of the overlay's `bin/` (spec §7.4), embedded so the static
/// lava-run binary needs no resource files. POSIX sh only: the DUT may have dash or busybox sh.
/// Every marker goes through `signal` in `lava-common-functions`, so the console shows exactly
/// LAVA's markers.
enum TestShellHelpers {
    /// File name → script body (without the `#!` line, which the overlay adds).
    static let scripts: [(name: String, body: String)] = [
        ("lava-common-functions", commonFunctions),
        ("lava-test-case", testCase),
        ("lava-test-set", testSet),
        ("lava-test-raise", testRaise),
        ("lava-test-reference", testReference),
        ("lava-test-event", testEvent),
        ("lava-test-feedback", testFeedback),
        ("lava-test-runner", testRunner),
        ("lava-test-shell", testShell),
    ]

    /// Sourced by the other helpers, found next to the script that sources it.
    static let sourceCommon = #"""
    case "$0" in */*) LAVA_BIN_DIR="${0%/*}" ;; *) LAVA_BIN_DIR=. ;; esac
    . "$LAVA_BIN_DIR/lava-common-functions"
    """#

    static let commonFunctions = #"""
    # Functions shared by the lava-* helpers.

    # Prints one LAVA marker where the dispatcher reads it: stdout, or the kernel log when KMSG is set.
    signal() {
        if [ -n "${CHARACTER_DELAY}" ]; then
            sleep "${CHARACTER_DELAY}"
        fi
        if [ -z "${KMSG}" ]; then
            echo "${1}"
        else
            echo "<0>${1}" > /dev/kmsg
        fi
    }
    """#

    static let testCase = sourceCommon + #"""


    usage() {
        echo "Usage: lava-test-case TEST_CASE_ID --shell cmds ..."
        echo "   or: lava-test-case TEST_CASE_ID --result RESULT [--units UNITS]"
        echo "                                   [--measurement MEASUREMENT] [--output FILE]"
        echo ""
        echo "Either run or record the results of a particular test case"
    }

    TEST_CASE_ID="$1"
    if [ -z "$TEST_CASE_ID" ]; then
        usage
        exit 1
    fi
    shift
    RESULT=
    UNITS=
    MEASUREMENT=
    OUTPUT=
    if [ "$1" = "--shell" ]; then
        shift
        signal "<LAVA_SIGNAL_STARTTC $TEST_CASE_ID>"
        # The test's own failure must not stop this script (run.sh runs with -e).
        if eval "$*"; then
            RESULT=pass
        else
            RESULT=fail
        fi
        signal "<LAVA_SIGNAL_ENDTC $TEST_CASE_ID>"
    else
        while [ $# -gt 0 ]; do
            case "$1" in
                --result) [ $# -ge 2 ] || { usage; exit 1; }; RESULT="$2"; shift 2 ;;
                --units) [ $# -ge 2 ] || { usage; exit 1; }; UNITS="$2"; shift 2 ;;
                --measurement) [ $# -ge 2 ] || { usage; exit 1; }; MEASUREMENT="$2"; shift 2 ;;
                --output) [ $# -ge 2 ] || { usage; exit 1; }; OUTPUT="$2"; shift 2 ;;
                *) usage; exit 1 ;;
            esac
        done
        if [ -z "$RESULT" ]; then
            usage
            exit 1
        fi
        if [ -n "$OUTPUT" ]; then
            signal "<LAVA_SIGNAL_STARTTC $TEST_CASE_ID>"
            cat "$OUTPUT"
            signal "<LAVA_SIGNAL_ENDTC $TEST_CASE_ID>"
        fi
    fi

    # $LAVA_RESULT_DIR is set by lava-test-shell.
    if [ -n "$LAVA_RESULT_DIR" ]; then
        result_dir="$LAVA_RESULT_DIR/results/$TEST_CASE_ID"
        mkdir -p "$result_dir"
        echo "$RESULT" > "$result_dir/result"
        if [ -n "$UNITS" ]; then echo "$UNITS" > "$result_dir/units"; fi
        if [ -n "$MEASUREMENT" ]; then echo "$MEASUREMENT" > "$result_dir/measurement"; fi
    fi

    MARKER="<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=$TEST_CASE_ID RESULT=$RESULT"
    if [ -n "$UNITS" ]; then MARKER="$MARKER UNITS=$UNITS"; fi
    if [ -n "$MEASUREMENT" ]; then MARKER="$MARKER MEASUREMENT=$MEASUREMENT"; fi
    signal "$MARKER>"
    exit 0
    """#

    static let testSet = sourceCommon + #"""


    usage() {
        echo "Usage: lava-test-set start NAME"
        echo "   or: lava-test-set stop"
    }

    case "$1" in
        start)
            if [ -z "$2" ]; then
                usage
                exit 1
            fi
            signal "<LAVA_SIGNAL_TESTSET START $2>"
            ;;
        stop)
            signal "<LAVA_SIGNAL_TESTSET STOP>"
            ;;
        *)
            usage
            exit 1
            ;;
    esac
    exit 0
    """#

    static let testRaise = sourceCommon + #"""


    if [ $# -eq 0 ]; then
        echo "Usage: lava-test-raise MESSAGE"
        exit 1
    fi
    signal "<LAVA_SIGNAL_TESTRAISE $*>"
    exit 1
    """#

    static let testReference = sourceCommon + #"""


    usage() {
        echo "Usage: lava-test-reference TEST_CASE_ID --result RESULT --reference URL"
    }

    TEST_CASE_ID="$1"
    if [ -z "$TEST_CASE_ID" ]; then
        usage
        exit 1
    fi
    shift
    RESULT=
    REFERENCE=
    while [ $# -gt 0 ]; do
        case "$1" in
            --result) [ $# -ge 2 ] || { usage; exit 1; }; RESULT="$2"; shift 2 ;;
            --reference) [ $# -ge 2 ] || { usage; exit 1; }; REFERENCE="$2"; shift 2 ;;
            *) usage; exit 1 ;;
        esac
    done
    if [ -z "$RESULT" ] || [ -z "$REFERENCE" ]; then
        usage
        exit 1
    fi
    signal "<LAVA_SIGNAL_TESTREFERENCE $TEST_CASE_ID $RESULT $REFERENCE>"
    exit 0
    """#

    static let testEvent = sourceCommon + #"""


    if [ $# -eq 0 ]; then
        echo "Usage: lava-test-event MESSAGE"
        exit 1
    fi
    signal "<LAVA_SIGNAL_TESTEVENT $*>"
    exit 0
    """#

    static let testFeedback = sourceCommon + #"""


    if [ "$1" != "--namespace" ] || [ -z "$2" ]; then
        echo "Usage: lava-test-feedback --namespace NAMESPACE"
        exit 1
    fi
    signal "<LAVA_SIGNAL_TESTFEEDBACK $2>"
    exit 0
    """#

    /// `lava-test-runner <stage directory>`: runs each test listed in the stage's
    /// `lava-test-runner.conf` once, and always ends with `<LAVA_TEST_RUNNER EXIT>`.
    static let testRunner = sourceCommon + #"""


    PREFIX="<LAVA_TEST_RUNNER>:"
    trap 'signal "<LAVA_TEST_RUNNER EXIT>"' EXIT
    trap 'exit 1' INT TERM HUP

    if [ -z "$1" ]; then
        echo "Usage: lava-test-runner STAGE_DIRECTORY"
        exit 1
    fi
    LAVA_PATH="${1%/}"
    WORKFILE="$LAVA_PATH/lava-test-runner.conf"
    RESULTSDIR="$LAVA_BIN_DIR/../results"
    export PATH="$LAVA_BIN_DIR:$PATH"

    echo "$PREFIX started"
    mkdir -p "$RESULTSDIR"
    echo "$PREFIX looking for work in $WORKFILE"
    if [ ! -f "$WORKFILE" ]; then
        echo "$PREFIX no work in $WORKFILE: this stage already ran"
        exit 0
    fi
    # Renamed first, so that a reboot of the DUT does not run the same tests again.
    DONEFILE="$WORKFILE-$(date +%s)"
    mv "$WORKFILE" "$DONEFILE"

    for line in $(cat "$DONEFILE"); do
        testdir="${line%/}"
        test_name="${testdir##*/}"
        odir="$RESULTSDIR/$test_name-$(date +%s)"
        mkdir -p "$odir"
        echo "$PREFIX running $test_name installer"
        ${SHELL:-/bin/sh} "$testdir/install.sh"
        R=$?
        echo "$R" > "$odir/install_return_code"
        if [ "$R" -ne 0 ]; then
            echo "$PREFIX $test_name installer failed, skipping"
            signal "<LAVA_TEST_RUNNER INSTALL_FAIL>"
            continue
        fi
        cp "$testdir/testdef.yaml" "$testdir/testdef_metadata" "$odir/"
        echo "$PREFIX running $test_name under lava-test-shell..."
        lava-test-shell --output_dir "$odir" "${SHELL:-/bin/sh}" -e "$testdir/run.sh"
        echo "$PREFIX exiting $test_name"
    done
    exit 0
    """#

    /// `lava-test-shell --output_dir DIR COMMAND...`: runs one test run with LAVA_RESULT_DIR set.
    static let testShell = #"""
    if [ "$1" != "--output_dir" ] || [ -z "$2" ] || [ $# -lt 3 ]; then
        echo "Usage: lava-test-shell --output_dir DIRECTORY COMMAND..."
        exit 1
    fi
    LAVA_RESULT_DIR="$2"
    shift 2
    export LAVA_RESULT_DIR
    mkdir -p "$LAVA_RESULT_DIR"
    "$@"
    rc=$?
    echo "$rc" > "$LAVA_RESULT_DIR/return_code"
    exit $rc
    """#
}
