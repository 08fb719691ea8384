// The member-facing rules page, rendered from the program definition itself (seed 003: readable
// terms), so that what members read is exactly what runs. English or French; Markdown or HTML.
#pragma once

#include <string>

#include "domain/program/program.h"

namespace fidelis::domain {

enum class PageLanguage { en, fr };
enum class PageFormat { markdown, html };

std::string render_rules_page(const Program& program, PageLanguage language, PageFormat format);

}  // namespace fidelis::domain
