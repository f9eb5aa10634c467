# Writes OUT: a C++ file defining `const char statuscast::NAME[]` with the
# bytes of IN (e.g. sdk/banner.js, served by statuscast-banner).
file(READ ${IN} content)
string(FIND "${content}" ")sc_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )sc_embed\"")
endif()
file(WRITE ${OUT}.tmp "// Generated from ${IN}; do not edit.
namespace statuscast {
extern const char ${NAME}[];
const char ${NAME}[] = R\"sc_embed(${content})sc_embed\";
}  // namespace statuscast
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
