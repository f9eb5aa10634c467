# Writes OUT: a C++ file defining EmbeddedMigrations() from the SQL files in
# DIR named NNNN_name.sql.
file(GLOB files "${DIR}/*.sql")
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(name ${f} NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.*)$" _ ${name})
  set(version ${CMAKE_MATCH_1})
  math(EXPR version "${version} + 0")
  file(READ ${f} sql)
  string(APPEND body "    {${version}, \"${CMAKE_MATCH_2}\", R\"statuscast_sql(${sql})statuscast_sql\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from migrations/*.sql; do not edit.
#include \"libs/pgstore/migrator.h\"

namespace statuscast {
const std::vector<Migration>& EmbeddedMigrations() {
  static const auto* migrations = new std::vector<Migration>{
${body}  };
  return *migrations;
}
}  // namespace statuscast
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
