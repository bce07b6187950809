# ptgen_catch_discover_tests(<target> [DISCOVERY_TIMEOUT <seconds>] <catch_discover_tests args>...)
#
# Catch2's catch_discover_tests() (every TEST_CASE becomes a CTest test), plus a
# time limit on the discovery step. Debian 12's Catch2 2.13 module has no
# DISCOVERY_TIMEOUT: a test binary that hangs while listing its tests would hang
# the build. We swap in a small discovery script that first lists the tests
# under a time limit, then runs Catch2's own script.

include_guard(GLOBAL)

find_package(Catch2 2 REQUIRED)   # also puts Catch.cmake on CMAKE_MODULE_PATH
include(Catch)

set(_PTGEN_CATCH_DISCOVER_TEMPLATE "${CMAKE_CURRENT_LIST_DIR}/CatchAddTestsWithTimeout.cmake.in")

function(ptgen_catch_discover_tests target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "DISCOVERY_TIMEOUT" "")
    if(NOT arg_DISCOVERY_TIMEOUT)
        set(arg_DISCOVERY_TIMEOUT 60)
    endif()
    set(PTGEN_CATCH_ADD_TESTS_SCRIPT "${_CATCH_DISCOVER_TESTS_SCRIPT}")
    set(PTGEN_DISCOVERY_TIMEOUT "${arg_DISCOVERY_TIMEOUT}")
    set(wrapper "${CMAKE_CURRENT_BINARY_DIR}/${target}_CatchAddTestsWithTimeout.cmake")
    configure_file("${_PTGEN_CATCH_DISCOVER_TEMPLATE}" "${wrapper}" @ONLY)
    # catch_discover_tests() reads this variable (a cache entry set by Catch.cmake);
    # this function-scope variable shadows it for the call below only.
    set(_CATCH_DISCOVER_TESTS_SCRIPT "${wrapper}")
    catch_discover_tests(${target} ${arg_UNPARSED_ARGUMENTS})
endfunction()
