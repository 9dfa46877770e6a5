# Ctrl-C: the program spins until `stop` is set; gdb interrupts it one second into a
# continue (the 0x03 byte), sees SIGINT, writes `stop` and lets it finish.
# build: static spin.c
# status: 0
# stdout: ^stopped by gdb$
set pagination off
set confirm off
target remote @TARGET@
python import threading; threading.Timer(1.0, lambda: gdb.post_event(lambda: gdb.execute("interrupt"))).start()
continue
# expect: received signal SIGINT
print stop
# expect: ^\$1 = 0$
set var stop = 1
continue
# expect: exited normally
