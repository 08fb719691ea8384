// Reading a CSV export by column names with fast-cpp-csv-parser (libfccp-dev: RFC 4180 quotes,
// a read-ahead thread, no allocation per row; decision 0016). Its exceptions stop here: a bad row
// comes back as a located message and reading goes on with the next one.
#pragma once

#include <libfccp/csv.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/result.h"

namespace fidelis::analytics {

template <unsigned N>
class CsvFile {
 public:
  using Reader = io::CSVReader<N, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>>;
  enum class Next { row, bad_row, end };

  // Opens `path` and reads its header. `columns` are the header names wanted, in the order rows
  // return them; the `required` ones must be there (csv_column_missing, located FILE:1), the
  // others may be absent (their fields then read as empty).
  static core::Result<std::unique_ptr<CsvFile>> open(const std::string& path,
                                                     const std::array<std::string, N>& columns,
                                                     const std::array<bool, N>& required) {
    auto file = std::unique_ptr<CsvFile>(new CsvFile(path));
    try {
      file->reader_ = std::make_unique<Reader>(path);
      std::apply(
          [&](const auto&... names) {
            file->reader_->read_header(io::ignore_extra_column | io::ignore_missing_column,
                                       names...);
          },
          columns);
    } catch (const io::error::can_not_open_file&) {
      return core::make_error(core::ErrorCode::io_error, "cannot open the file", path);
    } catch (const std::exception& error) {
      return core::make_error(core::ErrorCode::csv_invalid, error.what(), path + ":1");
    }
    core::Errors missing;
    for (unsigned i = 0; i < N; ++i) {
      file->present_[i] = file->reader_->has_column(columns[i]);
      if (required[i] && !file->present_[i]) {
        missing.push_back(core::make_error(core::ErrorCode::csv_column_missing,
                                           "the header has no column \"" + columns[i] + "\"",
                                           path + ":1"));
      }
    }
    if (!missing.empty()) return missing;
    return file;
  }

  // The next row's fields (valid until the next call); on bad_row, `error` says why.
  Next next(std::array<std::string_view, N>& fields, std::string& error) {
    std::array<char*, N> row{};
    try {
      const bool has_row =
          std::apply([&](auto&... cells) { return reader_->read_row(cells...); }, row);
      if (!has_row) return Next::end;
    } catch (const std::exception& failure) {
      error = failure.what();
      return Next::bad_row;
    }
    for (unsigned i = 0; i < N; ++i)
      fields[i] = row[i] ? std::string_view(row[i]) : std::string_view();
    return Next::row;
  }

  bool has(unsigned column) const { return present_[column]; }
  unsigned line() const { return reader_->get_file_line(); }
  const std::string& path() const { return path_; }

 private:
  explicit CsvFile(std::string path) : path_(std::move(path)) {}

  std::string path_;
  std::unique_ptr<Reader> reader_;
  std::array<bool, N> present_{};
};

}  // namespace fidelis::analytics
