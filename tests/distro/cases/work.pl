# A Perl workload for the distribution-binary tests: regexes, hashes, sort, sprintf with
# floats, pack/unpack, Digest::MD5 and POSIX (XS modules), a fork with a pipe.
use strict; use warnings;
use Digest::MD5 qw(md5_hex);
use POSIX qw(floor fmod strftime);
use List::Util qw(sum max shuffle);
my $scale = $ARGV[1] // 1;
open(my $fh, '<', $ARGV[0]) or die "open: $!";
my %count;
while (my $line = <$fh>) {
    $count{lc $1}++ while $line =~ /([A-Za-z]{4,})/g;
}
my @top = (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count)[0..4];
print "top @top\n";
print "md5 ", md5_hex(join ",", map { "$_=$count{$_}" } sort keys %count), "\n";
my $x = 0; $x += sin($_) * exp(-$_ / 1000) for 1 .. 5000 * $scale;
printf "float %.15g %.6e %s %s\n", $x, 1 / 7, 0.1 + 0.2, 2 ** 0.5;
printf "posix %d %.10f %s\n", floor(-2.5), fmod(10.5, 3), strftime("%Y-%m-%d", gmtime(86400 * 19000));
my @p = unpack("N n C a3", pack("N n C a3", 0xdeadbeef, 513, 7, "abc"));
print "pack @p ", unpack("H*", pack("d>", 3.25)), "\n";
srand(42); my @s = shuffle(1 .. 10);
print "sum ", sum(1 .. 1000 * $scale), " max ", max(3, 9, 2), " big ", 2 ** 53 + 1, " int ", int(7.9e9 / 3), "\n";
my $str = "a1b22c333" x (100 * $scale); my $n = () = $str =~ /\d+/g;
(my $t = "Hello, World") =~ tr/a-zA-Z//cd;
print "regex $n $t ", join("|", "2024-02-29T10:20:30" =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+)/), "\n";
pipe(my $r, my $w) or die;
my $pid = fork();
if ($pid == 0) { close $r; print $w "child says ", 6 * 7, "\n"; exit 5; }
close $w; my $msg = <$r>; waitpid($pid, 0);
print "fork $msg", "status ", $? >> 8, "\n";
eval { die "boom\n" }; print "eval $@";
exit 4;
