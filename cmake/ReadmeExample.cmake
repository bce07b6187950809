# cmake -DREADME=<README.md> -DOUT=<file.cpp> -DCXX=<compiler> -DINCLUDE_DIR=<dir> -P ReadmeExample.cmake
# Extracts the ```cpp block after "<!-- readme-example -->" and compiles it freestanding, with
# every warning an error: the README's example is code that builds.
file(READ "${README}" text)
string(FIND "${text}" "<!-- readme-example -->" at)
if(at LESS 0)
    message(FATAL_ERROR "${README}: no <!-- readme-example --> marker")
endif()
string(SUBSTRING "${text}" ${at} -1 text)
string(FIND "${text}" "```cpp\n" begin)
string(SUBSTRING "${text}" ${begin} -1 text)
string(LENGTH "```cpp\n" skip)
string(SUBSTRING "${text}" ${skip} -1 text)
string(FIND "${text}" "\n```" end)
string(SUBSTRING "${text}" 0 ${end} code)
file(WRITE "${OUT}" "${code}\n")
execute_process(
    COMMAND "${CXX}" -std=c++20 -ffreestanding -fno-exceptions -fno-rtti -Wall -Wextra -Werror
            -fno-sanitize=all "-I${INCLUDE_DIR}" -c "${OUT}" -o "${OUT}.o"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "the README example does not compile:\n${out}")
endif()
message(STATUS "the README example compiles (${OUT})")
