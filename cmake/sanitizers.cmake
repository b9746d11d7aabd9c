# FARMGATE_SANITIZE: build every target (ours and the tests) with runtime sanitizers.
#   -DFARMGATE_SANITIZE=address,undefined   ASan + UBSan; any finding aborts the process
#   -DFARMGATE_SANITIZE=thread              TSan
# Empty (the default) changes nothing. tools/sanitize drives it; docs/reliability.md says
# which suites run under which sanitizer.
# Applied globally (add_compile_options/add_link_options) rather than through
# farmgate_warnings so that test support, farmsim and the fuzz targets are instrumented too;
# third-party libraries (Paho, libmodbus, SQLite) come from Debian and stay uninstrumented.
set(FARMGATE_SANITIZE "" CACHE STRING "Sanitizers: empty, address,undefined or thread")

if(FARMGATE_SANITIZE)
  string(REPLACE "," ";" _fg_sanitizers "${FARMGATE_SANITIZE}")
  foreach(_fg_s IN LISTS _fg_sanitizers)
    if(NOT _fg_s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "FARMGATE_SANITIZE: unknown sanitizer '${_fg_s}'")
    endif()
  endforeach()
  if("thread" IN_LIST _fg_sanitizers AND "address" IN_LIST _fg_sanitizers)
    message(FATAL_ERROR "FARMGATE_SANITIZE: thread cannot be combined with address")
  endif()
  set(_fg_flags -fsanitize=${FARMGATE_SANITIZE} -fno-omit-frame-pointer -g)
  if("thread" IN_LIST _fg_sanitizers AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 warns that TSan does not model atomic_thread_fence, which Boost.Asio's
    # std_fenced_block uses; with -Werror that stops the build. Asio's queues are also
    # mutex-protected, which TSan does see.
    list(APPEND _fg_flags -Wno-tsan)
  endif()
  if(NOT "thread" IN_LIST _fg_sanitizers)
    # A finding must fail the test, not scroll past in its output.
    list(APPEND _fg_flags -fno-sanitize-recover=all)
  endif()
  add_compile_options(${_fg_flags})
  add_link_options(-fsanitize=${FARMGATE_SANITIZE})
  message(STATUS "farmgate: sanitizers ${FARMGATE_SANITIZE}")
endif()
