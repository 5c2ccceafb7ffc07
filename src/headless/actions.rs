//! `seawall isolate|unisolate|stop|report`: one action from a script or a shell, confirmed on
//! a terminal unless `--yes` is given.
