/*
 * fileio.c - file system system calls and stdio through the guest's libc, in a fresh
 * temporary directory below the current one (the runner gives every run its own cwd):
 * open/write/read/lseek/pread/pwrite, stat/fstat/lstat, rename, unlink, mkdir/rmdir,
 * opendir/readdir, getcwd/chdir, symlink/readlink, dup2, pipe, fopen/fprintf/fgets/fscanf,
 * stdin reading. Only sizes, names and contents are printed: never inode numbers or times.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>
#include "guest_check.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_raw_io(void)
{
    char buf[256];
    struct stat st;
    gc_group("raw_io");
    int fd = open("data.bin", O_CREAT | O_RDWR | O_TRUNC, 0640);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "hello, world\n", 13), 13);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 13);
    CHECK_EQ(lseek(fd, 7, SEEK_SET), 7);
    CHECK_EQ(read(fd, buf, 5), 5);
    CHECK(memcmp(buf, "world", 5) == 0);
    CHECK_EQ(read(fd, buf, sizeof(buf)), 1);         /* the newline */
    CHECK_EQ(read(fd, buf, sizeof(buf)), 0);         /* EOF */
    CHECK_EQ(pwrite(fd, "W", 1, 7), 1);
    CHECK_EQ(pread(fd, buf, 5, 7), 5);
    CHECK(memcmp(buf, "World", 5) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 13);            /* pread/pwrite leave the offset alone */
    CHECK_EQ(lseek(fd, 4096, SEEK_SET), 4096);       /* a hole */
    CHECK_EQ(write(fd, "end", 3), 3);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 4099);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0640 & ~022 & 0777);  /* umask set to 022 in main */
    CHECK_EQ(pread(fd, buf, 4, 2000), 4);
    CHECK(buf[0] == 0 && buf[3] == 0);
    CHECK_EQ(lseek(fd, -3, SEEK_END), 4096);
    struct iovec iov[2] = { { buf, 1 }, { buf + 10, 2 } };
    CHECK_EQ(readv(fd, iov, 2), 3);
    CHECK(buf[0] == 'e' && buf[10] == 'n' && buf[11] == 'd');
    CHECK_EQ(ftruncate(fd, 5), 0);
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(close(fd), 0);
    CHECK_EQ(close(fd), -1);
    CHECK_EQ(errno, EBADF);
    CHECK_EQ(open("does-not-exist", O_RDONLY), -1);
    CHECK_EQ(errno, ENOENT);
    CHECK_EQ(open("data.bin", O_CREAT | O_EXCL | O_WRONLY, 0600), -1);
    CHECK_EQ(errno, EEXIST);
}

static void test_names(void)
{
    struct stat st;
    char buf[4096];
    gc_group("names");
    CHECK_EQ(stat("data.bin", &st), 0);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(rename("data.bin", "renamed.bin"), 0);
    CHECK_EQ(stat("data.bin", &st), -1);
    CHECK_EQ(errno, ENOENT);
    CHECK_EQ(stat("renamed.bin", &st), 0);
    CHECK_EQ(mkdir("sub", 0755), 0);
    CHECK_EQ(mkdir("sub", 0755), -1);
    CHECK_EQ(errno, EEXIST);
    CHECK_EQ(stat("sub", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(symlink("renamed.bin", "link"), 0);
    CHECK_EQ(lstat("link", &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(stat("link", &st), 0);
    CHECK(S_ISREG(st.st_mode));
    ssize_t n = readlink("link", buf, sizeof(buf));
    CHECK_EQ(n, 11);
    CHECK(n == 11 && memcmp(buf, "renamed.bin", 11) == 0);
    CHECK_EQ(access("renamed.bin", R_OK | W_OK), 0);
    CHECK_EQ(access("nope", F_OK), -1);
    int dfd = open("sub", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    int fd = openat(dfd, "inner.txt", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "in", 2), 2);
    close(fd);
    CHECK_EQ(fstatat(dfd, "inner.txt", &st, 0), 0);
    CHECK_EQ(st.st_size, 2);
    close(dfd);

    /* getcwd/chdir: the name of the current directory ends with our temp dir's name */
    char *cwd = getcwd(buf, sizeof(buf));
    CHECK(cwd != NULL);
    CHECK(cwd && strstr(cwd, "/mimic-fileio.") != NULL);
    CHECK_EQ(chdir("sub"), 0);
    char *inner = getcwd(buf, sizeof(buf));
    CHECK(inner && strcmp(inner + strlen(inner) - 4, "/sub") == 0);
    CHECK_EQ(stat("inner.txt", &st), 0);
    CHECK_EQ(chdir(".."), 0);
}

static void test_readdir(void)
{
    static const char *const want[] = { "a.txt", "b.txt", "c.txt", "link", "renamed.bin", "sub" };
    char *names[16];
    int n = 0;
    gc_group("readdir");
    for (int i = 0; i < 3; i++) {
        char name[8] = "a.txt";
        name[0] = (char)('a' + i);
        FILE *f = fopen(name, "w");
        fprintf(f, "%d\n", i);
        fclose(f);
    }
    DIR *d = opendir(".");
    CHECK(d != NULL);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        if (n < 16) {
            names[n++] = strdup(de->d_name);
        }
    }
    if (d) {
        closedir(d);
    }
    qsort(names, n, sizeof(names[0]), cmp_str);
    CHECK_EQ(n, 6);
    for (int i = 0; i < n && i < 6; i++) {
        CHECK_STR(names[i], want[i]);
    }
    for (int i = 0; i < n; i++) {
        printf("  entry %s\n", names[i]);
        free(names[i]);
    }
}

static void test_stdio(void)
{
    char line[128];
    gc_group("stdio");
    FILE *f = fopen("text.txt", "w+");
    CHECK(f != NULL);
    for (int i = 1; i <= 50; i++) {
        fprintf(f, "line %d: %s %.2f\n", i, i % 2 ? "odd" : "even", i / 8.0);
    }
    CHECK_EQ(ftell(f), 916);
    rewind(f);
    int count = 0;
    long sum = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        int num;
        char word[8];
        double v;
        if (sscanf(line, "line %d: %7s %lf", &num, word, &v) == 3) {
            sum += num;
            count++;
            if (num == 37) {
                CHECK_STR(word, "odd");
                CHECK_EQ(gc_f64_bits(v), gc_f64_bits(4.62));    /* 37/8 = 4.625 printed as 4.62 */
            }
        }
    }
    CHECK_EQ(count, 50);
    CHECK_EQ(sum, 1275);
    CHECK(feof(f));
    CHECK_EQ(fseek(f, 7, SEEK_SET), 0);
    CHECK_EQ(fgetc(f), ' ');
    CHECK_EQ(fgetc(f), 'o');
    fclose(f);
    /* fwrite/fread binary, append mode */
    f = fopen("bin.dat", "wb");
    uint32_t vals[100];
    for (int i = 0; i < 100; i++) {
        vals[i] = (uint32_t)i * 2654435761u;
    }
    CHECK_EQ(fwrite(vals, sizeof(vals[0]), 100, f), 100);
    fclose(f);
    f = fopen("bin.dat", "ab");
    fputs("tail", f);
    fclose(f);
    f = fopen("bin.dat", "rb");
    uint32_t back[101];
    CHECK_EQ(fread(back, sizeof(back[0]), 101, f), 101);
    CHECK(memcmp(vals, back, sizeof(vals)) == 0);
    CHECK(memcmp(&back[100], "tail", 4) == 0);
    fclose(f);
    /* stderr is unbuffered and separate; stdout goes through the runner's pipe */
    fprintf(stderr, "fileio: a line on stderr\n");
}

static void test_fds(void)
{
    int p[2];
    char buf[32];
    gc_group("fds");
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(write(p[1], "through a pipe", 14), 14);
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 14);
    CHECK(memcmp(buf, "through a pipe", 14) == 0);
    int fd = open("dup.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    int saved = dup(1);
    CHECK(saved >= 0);
    fflush(stdout);
    CHECK_EQ(dup2(fd, 1), 1);
    printf("redirected\n");
    fflush(stdout);
    CHECK_EQ(dup2(saved, 1), 1);
    close(saved);
    close(fd);
    FILE *f = fopen("dup.txt", "r");
    CHECK(fgets(buf, sizeof(buf), f) != NULL);
    CHECK_STR(buf, "redirected\n");
    fclose(f);
    int fl = fcntl(p[0], F_GETFL);
    CHECK_EQ(fcntl(p[0], F_SETFL, fl | O_NONBLOCK), 0);
    CHECK_EQ(read(p[0], buf, 1), -1);
    CHECK_EQ(errno, EAGAIN);
    close(p[0]);
    close(p[1]);
}

static void cleanup(void)
{
    gc_group("cleanup");
    const char *files[] = { "renamed.bin", "link", "a.txt", "b.txt", "c.txt", "text.txt",
                            "bin.dat", "dup.txt", "sub/inner.txt" };
    for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        CHECK_EQ(unlink(files[i]), 0);
    }
    CHECK_EQ(rmdir("sub"), 0);
    CHECK_EQ(unlink("renamed.bin"), -1);
    CHECK_EQ(errno, ENOENT);
}

int main(void)
{
    char dir[] = "mimic-fileio.XXXXXX";
    umask(022);
    if (mkdtemp(dir) == NULL || chdir(dir) != 0) {
        perror("mkdtemp");
        return 1;
    }
    test_raw_io();
    test_names();
    test_readdir();
    test_stdio();
    test_fds();
    cleanup();
    CHECK_EQ(chdir(".."), 0);
    CHECK_EQ(rmdir(dir), 0);
    return gc_finish();
}
