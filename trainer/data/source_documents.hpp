// Reading a training source's documents from its files (text paragraphs, lines, whole files, JSONL).
#pragma once

#include <string>
#include <vector>

#include "trainer/pretrain/pretrain_config.hpp"

namespace sextant::trainer {

// The files a source names (globs with * and ? in the last path component, relative to
// corpus_dir), sorted; throws naming the config field when a pattern matches nothing.
std::vector<std::string> source_files(const SourceConfig& source, const std::string& corpus_dir);

// The documents of all the source's files in order; CRLF becomes LF, surrounding blank
// space is trimmed, documents shorter than min_chars are dropped. A JSONL row without the
// field, or not JSON, throws naming file:line.
std::vector<std::string> read_source_documents(const SourceConfig& source, const std::string& corpus_dir);

}  // namespace sextant::trainer
