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
