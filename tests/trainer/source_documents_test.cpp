// Reading a source's documents: fortune cookies (with strfile indexes and ANSI colours) and errors naming the source.
#include "trainer/data/source_documents.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

using namespace sextant::trainer;
namespace fs = std::filesystem;

TEST_CASE("fortune files split into cookies at % lines, without colour escapes, strfile indexes or .u8 links",
          "[trainer]") {
  const fs::path dir = fs::temp_directory_path() / "sextant_fortune_source";
  fs::remove_all(dir);
  fs::create_directories(dir / "de");
  std::ofstream(dir / "de" / "zitate")
      << "Erster Keks.\n\t\t-- Jemand\n%\nZweiter\nKeks.\n%\n%\n\x1b[1;31mRot\x1b[0m und fertig.";
  std::ofstream(dir / "de" / "zitate.dat") << "\x02\x01 binary index, never a cookie\n%\nnot this either\n";
  fs::create_symlink("zitate", dir / "de" / "zitate.u8");
  SourceConfig source;
  source.name = "de";
  source.files = {"de/*"};
  source.format = "fortune";
  const auto docs = read_source_documents(source, dir.string());
  CHECK(docs == std::vector<std::string>{"Erster Keks.\n\t\t-- Jemand", "Zweiter\nKeks.", "Rot und fertig."});

  source.min_chars = 14;  // shorter cookies are dropped
  CHECK(read_source_documents(source, dir.string()) ==
        std::vector<std::string>{"Erster Keks.\n\t\t-- Jemand", "Rot und fertig."});

  source.files = {"fr/*"};
  CHECK_THROWS_WITH(read_source_documents(source, dir.string()), Catch::Contains("sources.de.files") &&
                                                                     Catch::Contains("fr/*") &&
                                                                     Catch::Contains("matches no file"));
  fs::remove_all(dir);
}
