# ptgen_test_step(<test name> <what> <command...>): runs one step of a CMake-script test,
# prints its output, and fails the test with the command when it fails. Included by
# InstallConsumerTest.cmake and InstallCrossKernelTest.cmake.
function(ptgen_test_step test what)
    message(STATUS "${test}: ${what}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
    message("${out}")
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${test}: ${what} failed (${result})\ncommand: ${ARGN}")
    endif()
endfunction()

# ptgen_test_install(<test name> <build dir> <prefix> <config> <file...>): installs the build
# into a fresh prefix, checks that each file (relative to the prefix) was installed, and sets
# ptgen_test_make_program to the -DCMAKE_MAKE_PROGRAM=... argument for the next configure (or "").
function(ptgen_test_install test build_dir prefix config)
    file(REMOVE_RECURSE "${prefix}")  # a stale prefix must not hide a missing file
    set(config_arg "")
    if(config)
        set(config_arg --config "${config}")
    endif()
    ptgen_test_step(${test} "install into ${prefix}"
        "${CMAKE_COMMAND}" --install "${build_dir}" --prefix "${prefix}" ${config_arg})
    foreach(f IN LISTS ARGN)
        if(NOT EXISTS "${prefix}/${f}")
            message(FATAL_ERROR "${test}: ${prefix}/${f} was not installed")
        endif()
    endforeach()
    set(ptgen_test_make_program "" PARENT_SCOPE)
    if(MAKE_PROGRAM)
        set(ptgen_test_make_program "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}" PARENT_SCOPE)
    endif()
endfunction()
