// The Streamlit side of the map (Components v2): start window.ControlMap (engine.js) once per
// mount, hand it new data, basemaps and Python's pushes, and report the person's changes as
// the component's state. Streamlit calls the default export again whenever the element's
// data changes; it reads nothing of Streamlit's page.

const mounts = new WeakMap(); // parentElement -> the mount's map and what it was last given

function sameJson(a, b) {
  return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);
}

function reportOf(state, mount) {
  mount.reports += 1;
  return {
    view: state.view, date: state.date, district: state.district || null,
    compare: state.compare || null, stamp: mount.id + ":" + mount.reports,
  };
}

// Once the first frame with the map is painted (or the map failed), the page may send the
// rest of itself: it waits for this, so that nothing else is built in the browser before the map.
const saidDrawn = new WeakSet();
function drawn(parentElement, setStateValue) {
  if (saidDrawn.has(parentElement)) return;
  saidDrawn.add(parentElement);
  requestAnimationFrame(() => setTimeout(() => setStateValue("drawn", true), 0));
}

// Python sends bytes: a line of JSON (push, basemap, height), a newline, the engine's JSON.
const decoder = new TextDecoder();
let lastBytes = null, lastData = null;
function unpack(bytes) {
  if (!(bytes instanceof Uint8Array)) return null;
  if (bytes === lastBytes) return lastData;
  const newline = bytes.indexOf(10);
  if (newline < 0) return null;
  const data = JSON.parse(decoder.decode(bytes.subarray(0, newline)));
  data.engine = decoder.decode(bytes.subarray(newline + 1));
  lastBytes = bytes;
  lastData = data;
  return data;
}

export default function (component) {
  const { parentElement, setStateValue } = component;
  const data = unpack(component.data);
  if (!data || typeof data.engine !== "string") return undefined;
  if (!window.ControlMap) { // the engine did not load: no map, but the page's panels all the same
    drawn(parentElement, setStateValue);
    return undefined;
  }
  const push = data.push && typeof data.push.seq === "number" ? data.push : null;
  let mount = mounts.get(parentElement);
  if (!mount) {
    const root = document.createElement("div");
    root.className = "cm-host";
    root.style.height = (data.height || 560) + "px";
    parentElement.appendChild(root);
    mount = {
      id: Math.random().toString(36).slice(2, 10), reports: 0, generation: 0, root,
      engine: data.engine, basemap: data.basemap || null, seq: push ? push.seq : 0, last: null,
    };
    const report = (state) => {
      const now = { view: state.view, date: state.date, district: state.district || null,
                    compare: state.compare || null };
      if (sameJson(now, mount.last)) return; // play/pause alone: nothing Python shows changes
      mount.last = now;
      setStateValue("state", reportOf(now, mount));
    };
    try {
      mount.ctl = window.ControlMap.create(root, JSON.parse(data.engine), {
        state: push ? push.state : undefined,
        basemap: mount.basemap,
        onChange: (state) => report(state),
        hash: false,
        popups: false, // the page shows the district's claims in its own panel
      });
    } finally {
      drawn(parentElement, setStateValue);
    }
    root.controlMap = mount.ctl; // for tests: zoom and pan (ctl.map()), fills (ctl.fills())
    const first = mount.ctl.state();
    mount.last = { view: first.view, date: first.date, district: first.district || null,
                   compare: first.compare || null };
    mounts.set(parentElement, mount);
  } else {
    if (data.engine !== mount.engine) {
      mount.engine = data.engine;
      mount.ctl.setData(JSON.parse(data.engine)); // keeps zoom, pan and what is still valid
    }
    if (!sameJson(data.basemap || null, mount.basemap)) {
      mount.basemap = data.basemap || null;
      mount.ctl.setBasemap(mount.basemap);
    }
    if (push && push.seq > mount.seq) {
      mount.seq = push.seq;
      mount.ctl.setState(push.state); // from Python: not reported back
      mount.last = { view: push.state.view, date: push.state.date,
                     district: push.state.district || null, compare: push.state.compare || null };
    }
  }
  // Streamlit keeps only the cleanup of the latest call, and may call an older one late:
  // only the latest generation's cleanup ends the map (when the element leaves the page).
  mount.generation += 1;
  const generation = mount.generation;
  return () => {
    const current = mounts.get(parentElement);
    if (!current || current.generation !== generation) return;
    mounts.delete(parentElement);
    current.ctl.destroy();
    current.root.remove();
  };
}
