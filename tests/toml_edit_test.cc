// Value-by-value edits of a TOML text (import/toml_edit.h): what is not
// edited stays byte for byte, new lines take the file's line ending.
#include <string>

#include <catch2/catch.hpp>
#include <toml++/toml.h>

#include "import/toml_edit.h"

namespace plazo {
namespace {

TEST_CASE("TomlEditor: values replaced in place, keys inserted, tables appended") {
  const std::string text =
      "# cabecera\n"
      "[program]\n"
      "name = \"Diseño ñandú\"  # con acentos\n"
      "obs = \"\"\"una\n"
      "dos\"\"\"\n"
      "list = [\n  1,\n  2,\n]  # fin\n"
      "\n"
      "[[commitment]]\n"
      "number = 1\n";
  toml::table root = toml::parse(text);
  const toml::table& p = *root["program"].as_table();
  TomlEditor editor(text);
  REQUIRE(editor.empty());
  REQUIRE(editor.Replace(*p.get("name"), "\"Otro\""));
  REQUIRE(editor.Replace(*p.get("obs"), "\"una línea\""));
  REQUIRE(editor.InsertAfter(*p.get("list"), "nuevo", "2025-06-30"));
  REQUIRE(editor.InsertAfter(*p.get("list"), "otro", "1"));
  const toml::table& c = *root["commitment"].as_array()->at(0).as_table();
  REQUIRE(editor.InsertAfter(*c.get("number"), "due", "2025-06-30"));
  editor.Append("[[commitment]]\nnumber = 2\n");
  std::string out, error;
  REQUIRE(editor.Apply(&out, &error));
  CHECK(out ==
        "# cabecera\n"
        "[program]\n"
        "name = \"Otro\"  # con acentos\n"
        "obs = \"una línea\"\n"
        "list = [\n  1,\n  2,\n]  # fin\n"
        "nuevo = 2025-06-30\n"
        "otro = 1\n"
        "\n"
        "[[commitment]]\n"
        "number = 1\n"
        "due = 2025-06-30\n"
        "\n"
        "[[commitment]]\n"
        "number = 2\n");
  CHECK_NOTHROW(toml::parse(out));
}

TEST_CASE("TomlEditor: CRLF files get CRLF lines; a file without a final newline") {
  const std::string crlf = "[program]\r\nname = \"a\"\r\n";
  toml::table root = toml::parse(crlf);
  TomlEditor editor(crlf);
  REQUIRE(editor.InsertAfter(*root["program"].as_table()->get("name"), "id", "\"x\""));
  editor.Append("[[commitment]]\nnumber = 1\n");
  std::string out, error;
  REQUIRE(editor.Apply(&out, &error));
  CHECK(out == "[program]\r\nname = \"a\"\r\nid = \"x\"\r\n\r\n[[commitment]]\r\nnumber = 1\r\n");

  const std::string bare = "[program]\nname = \"a\"";
  toml::table root2 = toml::parse(bare);
  TomlEditor editor2(bare);
  REQUIRE(editor2.InsertAfter(*root2["program"].as_table()->get("name"), "id", "\"x\""));
  REQUIRE(editor2.Apply(&out, &error));
  CHECK(out == "[program]\nname = \"a\"\nid = \"x\"\n");
}

}  // namespace
}  // namespace plazo
