/* Startup workload for `bench/run-bench --startup`: a dynamically linked C++ program that
 * touches a wide slice of libstdc++ once (iostreams and locales, regex compilation, the
 * ordered and unordered containers, string streams, exceptions, algorithms) and does little
 * work with each, so its run time is dominated by translating code that runs only a few
 * times -- what a large program's start looks like to a translator. */
#include <algorithm>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const = 0;
};

struct Rect : Shape {
    double w, h;
    Rect(double w_, double h_) : w(w_), h(h_) {}
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
};

struct Tri : Shape {
    double b, h;
    Tri(double b_, double h_) : b(b_), h(h_) {}
    double area() const override { return b * h / 2; }
    std::string name() const override { return "tri"; }
};

std::string regex_part()
{
    const std::string text = "alpha=1, beta=22; gamma=333 delta=4444 key_5=55555";
    std::regex pair_re(R"((\w+)=(\d+))");
    std::ostringstream out;
    unsigned long sum = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), pair_re);
         it != std::sregex_iterator(); ++it) {
        out << (*it)[1] << ':' << (*it)[2].length() << ' ';
        sum += std::stoul((*it)[2]);
    }
    out << "sum=" << sum;
    std::regex date_re(R"(^(\d{4})-(\d{2})-(\d{2})$)", std::regex::ECMAScript | std::regex::icase);
    std::smatch m;
    std::string date = "2026-12-03";
    if (std::regex_match(date, m, date_re)) {
        out << " y=" << m[1] << " m=" << m[2] << " d=" << m[3];
    }
    out << ' ' << std::regex_replace(std::string("a.b.c"), std::regex(R"(\.)"), "/");
    return out.str();
}

std::string containers_part()
{
    std::map<std::string, int> words;
    std::unordered_map<int, std::string> by_len;
    std::set<double> reals;
    std::istringstream in("the quick brown fox jumps over the lazy dog the end");
    std::string w;
    while (in >> w) {
        words[w]++;
        by_len[(int)w.size()] += w;
        reals.insert(w.size() * 1.25);
    }
    std::ostringstream out;
    for (const auto &kv : words) {
        out << kv.first << '=' << kv.second << ',';
    }
    std::vector<int> lens;
    for (const auto &kv : by_len) {
        lens.push_back(kv.first);
    }
    std::sort(lens.begin(), lens.end(), std::greater<int>());
    out << " lens";
    for (int l : lens) {
        out << ' ' << l << ':' << by_len[l].size();
    }
    out << " reals " << std::fixed << std::setprecision(3)
        << std::accumulate(reals.begin(), reals.end(), 0.0);
    return out.str();
}

std::string objects_part()
{
    std::vector<std::unique_ptr<Shape>> shapes;
    for (int i = 1; i <= 6; i++) {
        if (i % 2) {
            shapes.push_back(std::make_unique<Rect>(i, i + 0.5));
        } else {
            shapes.push_back(std::make_unique<Tri>(i, 2.0 * i));
        }
    }
    std::ostringstream out;
    double total = 0;
    for (const auto &s : shapes) {
        total += s->area();
        out << s->name()[0];
    }
    out << ' ' << std::scientific << std::setprecision(4) << total;
    try {
        std::vector<int> v(3);
        (void)v.at(7);
    } catch (const std::out_of_range &) {
        out << " caught-range";
    }
    try {
        throw std::runtime_error("boom");
    } catch (const std::exception &e) {
        out << " caught-" << e.what();
    }
    return out.str();
}

}    /* namespace */

int main()
{
    std::cout << regex_part() << '\n';
    std::cout << containers_part() << '\n';
    std::cout << objects_part() << '\n';
    std::cout << std::hex << std::showbase << 48879 << std::dec << ' ' << std::boolalpha << true
              << std::endl;
    return 0;
}
