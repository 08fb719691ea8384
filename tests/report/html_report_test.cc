// `fidelis analyze --html`: the report is one self-contained page (no script, no link to the
// network) with every chart, and real headless Chromium renders it to a screenshot that is not
// blank and shows the charts' colours. Runs the real binary and the real browser.
#include <gtest/gtest.h>
#include <png.h>

#include <cstdio>
#include <map>
#include <regex>

#include "support/cli_runner.h"

namespace fidelis {
namespace {

class HtmlReport : public test_support::CliTest {};

struct Image {
  png_uint_32 width = 0, height = 0;
  std::vector<png_byte> rgba;  // 4 bytes per pixel
};

Image read_png(const std::string& path) {
  Image image;
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str())) return image;
  png.format = PNG_FORMAT_RGBA;
  image.rgba.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, image.rgba.data(), 0, nullptr)) return {};
  image.width = png.width;
  image.height = png.height;
  return image;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++found;
  return found;
}

TEST_F(HtmlReport, SelfContainedPageRendersItsChartsInChromium) {
  const std::string orders =
      (test_support::source_dir() / "tests/fixtures/online-retail/online_retail_slice.csv")
          .string();
  const std::string report = scratch_.file("report.html");
  const auto outcome =
      run("analyze --orders " + orders + " --format online-retail --html " + report);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const std::string html = test_support::read_text(report);
  EXPECT_EQ(count(html, "<svg"), 4u);  // trends, RFM grid, concentration, CLV distribution
  EXPECT_NE(html.find("<table class=heat>"), std::string::npos);
  EXPECT_NE(html.find("Valuable customers at risk"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_FALSE(
      std::regex_search(html, std::regex("(src|href)=['\"]?https?:")));  // nothing to fetch

  const std::string screenshot = scratch_.file("report.png");
  const std::string chromium =
      "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
      "--user-data-dir=" +
      scratch_.file("profile") + " --window-size=1000,3000 --screenshot=" + screenshot +
      " file://" + report + " > " + scratch_.file("chromium.log") + " 2>&1";
  ASSERT_EQ(std::system(chromium.c_str()), 0)
      << test_support::read_text(scratch_.file("chromium.log"));
  const Image image = read_png(screenshot);
  ASSERT_EQ(image.width, 1000u);
  ASSERT_EQ(image.height, 3000u);
  // Not blank: many pixels differ from the page background, and the charts' own colours show
  // (the blue retention line and heatmap, the red churn line, the green CLV bars).
  std::size_t drawn = 0, blue = 0, red = 0, green = 0;
  for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    const int r = image.rgba[i], g = image.rgba[i + 1], b = image.rgba[i + 2];
    if (std::abs(r - 0xf6) + std::abs(g - 0xf7) + std::abs(b - 0xfb) > 30) ++drawn;
    if (b > 150 && r < 90 && g < 130) ++blue;
    if (r > 180 && g < 110 && b < 100) ++red;
    if (g > 110 && r < 80 && b < 120) ++green;
  }
  const std::size_t pixels = static_cast<std::size_t>(image.width) * image.height;
  EXPECT_GT(drawn, pixels / 20);  // text, lines, bars and cells, not the white panels
  EXPECT_GT(blue, 500u);
  EXPECT_GT(red, 100u);
  EXPECT_GT(green, 2000u);
}

}  // namespace
}  // namespace fidelis
