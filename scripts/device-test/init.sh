#!/bin/busybox sh
# The guest's /init: mount the kernel filesystems, load the modules listed in /etc/modules.order, run the
# guest test with its result lines going to the second serial port (RESULTS in /etc/guest.env; the console
# on the first port keeps kernel messages apart), then reset the machine (QEMU runs with -no-reboot, so it
# exits).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
# Loopback networking, for guest checks that run a server and its client on 127.0.0.1.
ip link set lo up 2>/dev/console

. /etc/guest.env
stty -F "$RESULTS" raw -echo 2>/dev/null
say() { echo "NSMT $*" >"$RESULTS"; }

say '{"type":"boot","uptime":"'"$(cut -d' ' -f1 /proc/uptime)"'"}'
for m in $(cat /etc/modules.order); do
  insmod "/lib/modules/$m.ko" 2>/dev/console || say '{"type":"error","detail":"insmod '"$m"' failed"}'
done
# The driver registers /dev/nsm once the virtio device has probed; give it a moment.
i=0
while [ ! -c /dev/nsm ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -c /dev/nsm ] || say '{"type":"error","detail":"/dev/nsm did not appear after loading the nsm module"}'

cd /app
node /app/guest.cjs >"$RESULTS" 2>/dev/console
say '{"type":"exit","code":'"$?"',"uptime":"'"$(cut -d' ' -f1 /proc/uptime)"'"}'
sync
reboot -f
