# Strict warnings for our own code only (third-party code is built by its own
# project and never sees these flags).
function(vda_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow
    -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla)
endfunction()
