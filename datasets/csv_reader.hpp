// A CSV reader (RFC 4180 quoting: fields may hold commas, quotes and newlines).
#pragma once

#include <string>
#include <vector>

namespace sextant::datasets {

struct CsvRecord {
  std::vector<std::string> fields;
  int line = 0;  // line where the record starts (1-based), for error messages
};

// Reads a whole file (',' for CSV, '\t' for TSV); throws sextant::Error naming the file and
// line on an unterminated quote.
std::vector<CsvRecord> read_csv(const std::string& path, char delimiter = ',');

}  // namespace sextant::datasets
