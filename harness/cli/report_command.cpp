// `sextant report`: the result stores of one or more work directories as JSON, CSV, Markdown
// and HTML leaderboards, one column per model; the Markdown table also goes to stdout.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/utc_time.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/build_info.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/work_dirs.hpp"
#include "reports/csv_report.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/leaderboard.hpp"
#include "reports/markdown_report.hpp"
#include "reports/store_reader.hpp"

namespace sextant::harness {

namespace {

struct Format {
  const char* name;
  const char* file;
  std::string (*write)(const reports::Leaderboard&);  // null for html, which also reads the samples
};

const Format kFormats[] = {
    {"json", "report.json", reports::json_report},
    {"csv", "report.csv", reports::csv_report},
    {"md", "report.md", reports::markdown_report},
    {"html", "report.html", nullptr},
};

std::vector<const Format*> parse_formats(const std::string& list) {
  std::vector<const Format*> formats;
  for (const auto& name : split_list(list)) {
    const Format* found = nullptr;
    for (const auto& f : kFormats)
      if (name == f.name) found = &f;
    if (!found) throw UsageError(fmt::format("report: unknown format \"{}\" (json, csv, md or html)", name));
    if (std::find(formats.begin(), formats.end(), found) == formats.end()) formats.push_back(found);
  }
  if (formats.empty()) throw UsageError("report: --format names no format (json, csv, md or html)");
  return formats;
}

}  // namespace

int report_command(const std::vector<std::string>& argv) {
  Arguments args(
      "report",
      "Turns the result stores of one or more work directories into a leaderboard: one column per model "
      "(name and identity), one row per dataset and mode grouped by capability dimension, dimension "
      "averages and an overall score. Where several runs scored a model on the same dataset and mode, the "
      "latest counts. Writes report.json (see reports/report.schema.json), report.csv, report.md and "
      "report.html (one self-contained page: the sortable table, a radar chart of the dimensions, "
      "score-versus-step curves of training checkpoints, and each dataset's samples with a paired comparison "
      "of two models), prints the leaderboard as a Markdown table on stdout and then the paths of the files "
      "written.");
  add_work_dirs_options(args, "read");
  args.option("format", "LIST", "the files to write, comma-separated: json, csv, md, html", "json,csv,md,html")
      .option("out", "DIR", "where the files go (default: report/ in the first work directory)")
      .option("samples", "N",
              "html: the samples embedded per model and dataset, the first N by item (0: none); the paired "
              "comparisons use every stored sample",
              std::to_string(reports::kDefaultHtmlSamples));
  if (!args.parse(argv)) return 0;

  const std::vector<std::string> work_dirs = work_dirs_of(args);
  const std::vector<const Format*> formats = parse_formats(args.get("format"));
  const long long samples = args.get_int("samples");
  if (samples < 0) throw UsageError(fmt::format("report: --samples must be 0 or more, not {}", samples));

  std::vector<reports::StoreContents> stores;
  for (const auto& d : work_dirs) stores.push_back(reports::read_store(d));
  const reports::ReportContext context{SEXTANT_VERSION, SEXTANT_GIT_REVISION, utc_timestamp(),
                                       reports::describe_machine()};
  const reports::Leaderboard board = reports::build_leaderboard(stores, context);
  if (board.rows.empty())
    std::cerr << fmt::format("note: no scores in {} store(s); the report has no rows\n", stores.size());

  const std::string out_dir = args.get_or("out", (std::filesystem::path(work_dirs[0]) / "report").string());
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) fail("{}: cannot create the report folder: {}", out_dir, ec.message());
  std::vector<std::pair<std::string, std::string>> written;
  for (const Format* f : formats) {
    const std::string path = (std::filesystem::path(out_dir) / f->file).string();
    write_file_atomically(path, f->write ? f->write(board)
                                         : reports::html_report(board, reports::read_report_samples(
                                                                           board, static_cast<std::size_t>(samples))));
    written.emplace_back(f->name, path);
  }

  std::cout << reports::markdown_table(board);
  for (const auto& [name, path] : written) std::cout << fmt::format("{:<5} {}\n", name + ":", path);
  return 0;
}

}  // namespace sextant::harness
