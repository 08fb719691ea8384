// `fidelis program check FILE`, `fidelis program activate FILE [--from TIME]` and
// `fidelis program rules-page [FILE] [--lang en|fr] [--format md|html]`.
#include <cstdio>

#include "cli/commands.h"
#include "core/json_reader.h"
#include "core/json_writer.h"
#include "domain/program/fair_play.h"
#include "domain/program/program.h"
#include "domain/program/rules_page.h"
#include "engine/engine.h"

namespace fidelis::cli {

namespace {

// The definition text: FILE when given, else the shop's version in force at --at (or now).
core::Result<std::string> definition_for_page(const Args& args) {
  if (args.words.size() == 3) return read_file(args.words[2]);
  FIDELIS_TRY(const core::Timestamp now, now_or_at(args));
  auto store = open_store(args);
  if (!store) return core::make_error(core::ErrorCode::storage_error, "cannot open the database");
  FIDELIS_TRY(const auto versions, store->programs(args.shop()));
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (!it->applies_from || *it->applies_from <= now) return it->definition;
  }
  return core::make_error(
      core::ErrorCode::program_missing,
      "shop \"" + args.shop() + "\" has no program in force at " + core::format_rfc3339(now));
}

int run_rules_page(const Args& args) {
  const std::string lang = args.option("lang").value_or("en");
  const std::string format = args.option("format").value_or("md");
  if (args.words.size() > 3 || (lang != "en" && lang != "fr") ||
      (format != "md" && format != "html")) {
    print_errors({core::make_error(
        core::ErrorCode::usage,
        "usage: fidelis program rules-page [FILE] [--lang en|fr] [--format md|html]")});
    return kExitUsage;
  }
  auto text = definition_for_page(args);
  if (!text.ok()) {
    print_errors(text.errors());
    return exit_code_for(text.errors());
  }
  core::JsonParser parser;
  auto program = domain::parse_program(parser, *text);
  if (!program.ok()) {
    print_errors(program.errors(), args.words.size() == 3 ? args.words[2] : "stored program");
    return kExitRejected;
  }
  const std::string page = domain::render_rules_page(
      *program, lang == "fr" ? domain::PageLanguage::fr : domain::PageLanguage::en,
      format == "html" ? domain::PageFormat::html : domain::PageFormat::markdown);
  std::fwrite(page.data(), 1, page.size(), stdout);
  return kExitOk;
}

}  // namespace

int run_program(const Args& args) {
  if (args.words.size() >= 2 && args.words[1] == "rules-page") return run_rules_page(args);
  if (args.words.size() != 3 || (args.words[1] != "check" && args.words[1] != "activate")) {
    print_errors({core::make_error(core::ErrorCode::usage,
                                   "usage: fidelis program check|activate FILE [--from TIME] | "
                                   "rules-page [FILE] [--lang en|fr] [--format md|html]")});
    return kExitUsage;
  }
  const std::string& path = args.words[2];
  auto text = read_file(path);
  if (!text.ok()) {
    print_errors(text.errors());
    return kExitStorage;
  }
  core::JsonParser parser;
  auto program = domain::parse_program(parser, *text);
  // Fair play (seed 003) is part of checking: a program that parses but breaks it is refused.
  core::Errors errors = program.ok() ? core::Errors{} : program.errors();
  core::Errors warnings;
  if (program.ok()) {
    domain::FairPlayReport fair = domain::check_fair_play(*program);
    errors = std::move(fair.errors);
    warnings = std::move(fair.warnings);
  }
  for (const auto& warning : warnings) {
    std::fprintf(stderr, "fidelis: %s: warning: %s: %s (%s)\n", path.c_str(), warning.where.c_str(),
                 warning.message.c_str(), std::string(core::error_code_name(warning.code)).c_str());
  }
  auto write_list = [](core::JsonWriter& out, const core::Errors& list) {
    out.begin_array();
    for (const auto& error : list) {
      out.begin_object().key("pointer").value(error.where);
      out.key("code").value(core::error_code_name(error.code));
      out.key("message").value(error.message).end_object();
    }
    out.end_array();
  };
  if (!errors.empty()) {
    print_errors(errors, path);
    if (args.json()) {
      core::JsonWriter out;
      out.begin_object().key("file").value(path).key("ok").value(false).key("errors");
      write_list(out, errors);
      out.key("warnings");
      write_list(out, warnings);
      out.end_object();
      std::printf("%s\n", out.str().c_str());
    }
    return kExitRejected;
  }
  if (args.words[1] == "check") {
    if (args.json()) {
      core::JsonWriter out;
      out.begin_object().key("file").value(path).key("ok").value(true);
      out.key("name").value(program->name).key("errors").begin_array().end_array();
      out.key("warnings");
      write_list(out, warnings);
      out.end_object();
      std::printf("%s\n", out.str().c_str());
    } else {
      std::printf("%s: ok (program \"%s\")%s\n", path.c_str(), program->name.c_str(),
                  warnings.empty() ? "" : ", with warnings");
    }
    return kExitOk;
  }
  std::optional<core::Timestamp> from;
  if (const auto from_text = args.option("from")) {
    auto parsed = core::parse_rfc3339(*from_text);
    if (!parsed.ok()) {
      print_errors(parsed.errors(), "--from");
      return kExitUsage;
    }
    from = *parsed;
  }
  auto now = now_or_at(args);
  if (!now.ok()) {
    print_errors(now.errors());
    return kExitUsage;
  }
  auto store = open_store(args);
  if (!store) return kExitStorage;
  engine::Engine engine(*store);
  auto version = engine.activate_program(args.shop(), *text, from, *now);
  if (!version.ok()) {
    print_errors(version.errors());
    return exit_code_for(version.errors());
  }
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("shop").value(args.shop()).key("version").value(*version).end_object();
    std::printf("%s\n", out.str().c_str());
  } else {
    std::printf("shop %s: program \"%s\" activated as version %d\n", args.shop().c_str(),
                program->name.c_str(), *version);
  }
  return kExitOk;
}

}  // namespace fidelis::cli
