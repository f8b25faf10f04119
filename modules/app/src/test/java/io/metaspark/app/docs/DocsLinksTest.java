package io.metaspark.app.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README is a front door and docs/ the rooms behind it: every relative link in README.md and
 * docs/*.md must reach a file of the repository, a link with a #fragment into a Markdown page must
 * reach one of its headings (GitHub's anchor for it), and every page in docs/ must be reachable from
 * the README. Moving a section, renaming a heading or a page otherwise breaks links silently.
 */
class DocsLinksTest {
  /** Surefire runs in the module's directory. */
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final Pattern EXTERNAL = Pattern.compile("^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//).*");

  @TempDir
  Path dir;

  @Test
  void everyRelativeLinkInTheReadmeAndDocsReachesAFileAndHeading() throws IOException {
    List<Path> pages = pages(ROOT);
    assertTrue(pages.contains(ROOT.resolve("README.md")), "README.md not found under " + ROOT);
    assertEquals(List.of(), brokenLinks(ROOT, pages));
  }

  @Test
  void everyDocsPageIsLinkedFromTheReadme() throws IOException {
    Path readme = ROOT.resolve("README.md");
    Set<Path> linked = MarkdownPage.read(readme).links().stream()
        .map(MarkdownPage.Link::target)
        .filter(target -> !EXTERNAL.matcher(target).matches())
        .map(target -> readme.getParent().resolve(decode(pathPart(target))).normalize())
        .collect(Collectors.toSet());
    Set<String> unlinked = new TreeSet<>();
    for (Path page : pages(ROOT)) {
      if (page.getParent().equals(ROOT.resolve("docs")) && !linked.contains(page)) {
        unlinked.add(ROOT.relativize(page).toString());
      }
    }
    assertEquals(Set.of(), unlinked, "docs pages the README does not link to");
  }

  @Test
  void anchorsAreGitHubs() {
    assertEquals("learning-sinusoid-maml", MarkdownPage.anchor("Learning (sinusoid, MAML)"));
    assertEquals("second-order-maml-exact-hessian-vector-products",
        MarkdownPage.anchor("Second-order MAML: exact Hessian-vector products"));
    assertEquals("omniglot-the-papers-5-way-1-shot-settings",
        MarkdownPage.anchor("Omniglot: the paper's 5-way 1-shot settings"));
    assertEquals("the-sparkconf-key-and-inner_lr", MarkdownPage.anchor("The `spark.conf` key and **inner_lr**"));
    assertEquals("see-runs", MarkdownPage.anchor("See [runs](docs/RUNS.md)"));
  }

  @Test
  void aBrokenLinkAnAnchorWithoutHeadingAndLinksInCodeAreToldApart() throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(dir.resolve("README.md"), String.join("\n",
        "# Title",
        "See [a page](docs/A.md#the-part), [a missing one](docs/MISSING.md),",
        "[a wrong part](docs/A.md#no-such-part), [here](#title) and [the web](https://example.org/x.md).",
        "Code is not a link: `[x](nowhere.md)`",
        "```",
        "[y](nowhere-either.md)",
        "# not a heading",
        "```",
        "[wrapped",
        "text](#not-a-heading)"));
    Files.writeString(dir.resolve("docs/A.md"), "# A\n\n## The part\n\nBack to the [README](../README.md).\n");
    assertEquals(List.of(
            "README.md:2: docs/MISSING.md: no such file",
            "README.md:3: docs/A.md#no-such-part: docs/A.md has no heading with anchor #no-such-part",
            "README.md:9: #not-a-heading: README.md has no heading with anchor #not-a-heading"),
        brokenLinks(dir, pages(dir)));
  }

  private static List<Path> pages(Path root) throws IOException {
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  private static List<String> brokenLinks(Path root, List<Path> pages) throws IOException {
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      for (MarkdownPage.Link link : MarkdownPage.read(page).links()) {
        String target = link.target();
        if (EXTERNAL.matcher(target).matches()) {
          continue;
        }
        String where = root.relativize(page) + ":" + link.line() + ": " + target + ": ";
        String path = decode(pathPart(target));
        Path file = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
        if (!file.startsWith(root)) {
          broken.add(where + "outside the repository");
        } else if (!Files.exists(file)) {
          broken.add(where + "no such file");
        } else if (target.contains("#") && file.toString().endsWith(".md")) {
          String anchor = target.substring(target.indexOf('#') + 1);
          Set<String> headings = anchors.computeIfAbsent(file, DocsLinksTest::anchorsOf);
          if (!headings.contains(decode(anchor))) {
            broken.add(where + root.relativize(file) + " has no heading with anchor #" + anchor);
          }
        }
      }
    }
    return broken;
  }

  private static Set<String> anchorsOf(Path file) {
    try {
      return MarkdownPage.read(file).anchors();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  private static String pathPart(String target) {
    int hash = target.indexOf('#');
    return hash < 0 ? target : target.substring(0, hash);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
